package pipeline

import (
	"context"
	"errors"
	"os"
	"time"

	"github.com/leve-build/leve/internal/span"
	"github.com/leve-build/leve/pkg/publish"
	"github.com/leve-build/leve/pkg/pull"
)

// Built is what Build made, not shipped yet: the image or image index,
// and the report of every stage so far, with the reference the image
// ships under.
//
// Its layers are read from files until Close: the build's temporary
// directory (in Options.WorkDir, or one Close removes when WorkDir is
// empty), the cache, and the base image's source. Ship must therefore run
// before Close; after Close the Artifact's layers are readable only if
// they are in WorkDir or CacheDir.
type Built struct {
	// Report is the build's report; Ship adds the ship stage and the
	// outputs to it.
	Report *Report
	// Artifact is the image (one platform) or the image index (several),
	// with its SBOM referrers; nil when Build failed.
	Artifact publish.Artifact

	o    Options
	ref  publish.Ref
	tmp  string // removed by Close; "" with Options.WorkDir
	base *pull.Source
}

// name sets the reference the image ships under: Options.Name and Tag,
// else the binary's name and "latest".
func (b *Built) name(bin string) {
	b.ref = imageRef(b.o.Name, b.o.Tag, bin)
	named(b.Report, b.ref)
}

// Ref returns the name and tag the image ships under.
func (b *Built) Ref() publish.Ref { return b.ref }

// Ship ships the artifact to the sinks Options.Sinks returns for its
// reference (nowhere when Sinks is nil) and records the ship stage and
// the outputs in the report; see Options.Sinks for the order and the all
// or nothing of local outputs. A failure is a *ShipError that says what
// was written.
func (b *Built) Ship(ctx context.Context) error {
	if b.Artifact == nil {
		return errNothingBuilt
	}
	send := b.o.Progress
	send(&StageStart{Stage: "ship"})
	began := time.Now()
	endShip := span.Start(ctx, "ship")
	summary, err := ship(ctx, b.o, b.ref, b.Artifact, b.Report)
	endShip()
	if err != nil {
		send(&StageEnd{Report: StageReport{Name: "ship", Duration: time.Since(began)}, Err: err})
		return err
	}
	b.Report.Ship = StageReport{Name: "ship", Duration: time.Since(began), Summary: summary}
	send(&StageEnd{Report: b.Report.Ship})
	return nil
}

// Close releases the build's files: it removes the temporary directory
// Build made when Options.WorkDir is empty, and closes the base image's
// source. Call it once Ship is done; calling it again does nothing.
func (b *Built) Close() error {
	var err error
	if b.tmp != "" {
		err = os.RemoveAll(b.tmp)
		b.tmp = ""
	}
	if b.base != nil {
		err = errors.Join(err, b.base.Close())
		b.base = nil
	}
	return err
}

// errNothingBuilt is Ship's error for a Built whose Build failed.
var errNothingBuilt = errors.New("shipping: the build failed, there is nothing to ship")

// buildAndShip builds o, ships it and releases the build's files: what
// BuildAll does for each target.
func buildAndShip(ctx context.Context, o Options) (*Report, error) {
	built, err := Build(ctx, o)
	if err == nil {
		err = built.Ship(ctx)
	}
	built.Close()
	return built.Report, err
}
