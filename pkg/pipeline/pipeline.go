package pipeline

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"golang.org/x/sync/errgroup"

	"github.com/leve-build/leve/internal/span"
	"github.com/leve-build/leve/pkg/assemble"
	"github.com/leve-build/leve/pkg/compile"
	"github.com/leve-build/leve/pkg/optimize"
	"github.com/leve-build/leve/pkg/platform"
	"github.com/leve-build/leve/pkg/publish"
	"github.com/leve-build/leve/pkg/pull"
)

// Build runs compile → read → optimize → package for each platform,
// concurrently, and returns the image (one platform) or the image index
// (several) with the report of every stage, named but not shipped:
// Built.Ship ships it, and Built.Close then releases its files. Build returns a Built even
// when it fails: its Report says how far the stages got, its Artifact is
// nil, and it holds nothing to release.
func Build(ctx context.Context, o Options) (*Built, error) {
	if len(o.Platforms) == 0 {
		o.Platforms = []platform.Platform{platform.Default}
	}
	failed := &Built{Report: &Report{SchemaVersion: SchemaVersion}}
	base, err := pull.Open(ctx, o.Base, pull.Options{Registry: o.Registry, Role: "base"})
	if err != nil {
		return failed, err
	}
	out := &Built{base: base}
	// Until Build returns it, the Built's files are Build's to release.
	defer func() {
		if out.Artifact == nil {
			out.Close()
		}
	}()
	if base != nil && o.PlatformsFromBase {
		if o.Platforms, err = basePlatforms(base); err != nil {
			return failed, err
		}
	}
	rep := &Report{SchemaVersion: SchemaVersion, Outputs: []Output{}, Images: make([]ImageReport, len(o.Platforms))}
	out.Report = rep
	if base != nil {
		rep.BaseFrom = base.From
	}
	if o.shared == nil {
		o.shared = assemble.NewShared()
	}
	send := o.progress()
	o.Progress = send // the builders' and ship's events go through the same lock
	out.o = o
	start := &BuildStart{}
	for _, p := range o.Platforms {
		start.Platforms = append(start.Platforms, p.String())
	}
	send(start)
	images := make([]v1.Image, len(o.Platforms))
	builders := make([]*builder, len(o.Platforms))
	tmp, err := os.MkdirTemp(o.WorkDir, "leve-build-")
	if err != nil {
		return out, fmt.Errorf("building: %w", err)
	}
	if o.WorkDir == "" {
		out.tmp = tmp
	}
	// Platforms are not limited here: each stage they run takes a
	// process-wide slot (cpuSlots).
	g, gctx := errgroup.WithContext(ctx)
	for i, p := range o.Platforms {
		g.Go(func() error {
			b := &builder{o: o, platform: p, rep: &rep.Images[i], tmp: filepath.Join(tmp, fmt.Sprint(i))}
			builders[i] = b
			var err error
			if base != nil {
				if b.base, err = base.Image(p.OS, p.Arch, p.Variant); err != nil {
					return err
				}
				if base.Local() {
					// Every blob is checked before anything is built on
					// it; a registry's are checked as they are fetched.
					if err := pull.Check(gctx, b.base); err != nil {
						return err
					}
				}
			}
			images[i], err = b.run(span.WithLane(gctx, p.String()))
			if err != nil && len(o.Platforms) > 1 {
				err = fmt.Errorf("%s: %w", p, err)
			}
			return err
		})
	}
	if err := g.Wait(); err != nil {
		var damaged *pull.BlobError
		if errors.As(err, &damaged) {
			err = damaged // it names the base and the blob: the rest is noise
		}
		return out, err
	}
	art, err := combine(images, builders[0].desc, rep)
	if err != nil {
		return out, err
	}
	if refs := referrers(builders); len(refs) > 0 {
		art = publish.Bundle{Artifact: art, Referrers: refs}
	}
	out.name(builders[0].name())
	out.Artifact = art
	return out, nil
}

// combine returns the one image, or an OCI index of several, and fills the
// report's digest and pull size; first describes the first platform's
// image.
func combine(images []v1.Image, first *imageDesc, rep *Report) (publish.Artifact, error) {
	rep.PullSize = first.pullSize
	if len(images) == 1 {
		rep.Digest, rep.MediaType = first.digest, first.manifest.MediaType
		return images[0], nil
	}
	idx, err := assemble.Index(images)
	if err != nil {
		return nil, err
	}
	d, err := idx.Digest()
	if err != nil {
		return nil, fmt.Errorf("assembling index: %w", err)
	}
	raw, err := idx.RawManifest()
	if err != nil {
		return nil, fmt.Errorf("assembling index: %w", err)
	}
	mt, _ := idx.MediaType()
	rep.Digest, rep.MediaType = d.String(), string(mt)
	rep.PullSize += int64(len(raw))
	return idx, nil
}

// builder carries one platform's intermediate results between stages, as
// typed values; fill derives the platform's report from them.
type builder struct {
	o        Options
	platform platform.Platform
	rep      *ImageReport // written by fill only
	tmp      string
	base     v1.Image // nil for scratch
	// compile: the package and the binary linked
	bin compile.Binary
	// read: the binary's bytes (then optimize's) and what the analysis
	// found in them
	data  []byte
	facts *facts
	// optimize
	stripped, packed bool
	sizeAfter        int64
	// package: the run-time files chosen, with their reasons, and the
	// need kinds the image provides
	files    []FileReport
	provided map[string]bool
	img      v1.Image
	layers   []*assemble.Layer
	desc     *imageDesc
	// runtimeEnv points the program at its run-time files.
	runtimeEnv []string
	sbom       v1.Image    // the SBOM referrer, nil with SBOMNone
	sbomDesc   *BlobReport // and its description
	nssCopied  bool        // Files.Libs LibsCopy added glibc's NSS modules and nsswitch.conf
	warnings   []string
	stages     []StageReport
	// result is the typed outcome of the stage running, if it has one.
	result StageResult
}

// run executes the per-platform stages in order.
func (b *builder) run(ctx context.Context) (v1.Image, error) {
	b.fill()
	steps := []struct {
		name string
		run  func(context.Context) (string, error)
	}{
		{"compile", b.compile},
		{"read", b.read},
		{"optimize", b.optimize},
		{"package", b.pack},
	}
	for _, s := range steps {
		if err := b.stage(ctx, s.name, s.run); err != nil {
			return nil, err
		}
	}
	return b.img, nil
}

// stage runs one stage in a CPU slot (cpuSlots), between its StageStart
// and StageEnd events.
func (b *builder) stage(ctx context.Context, name string, run func(context.Context) (string, error)) error {
	release, err := cpuSlot(ctx)
	if err != nil {
		return err
	}
	defer release()
	platform := b.platform.String()
	b.o.Progress(&StageStart{Platform: platform, Stage: name})
	start := time.Now()
	end := span.Start(ctx, name)
	summary, err := run(ctx)
	end()
	if err != nil {
		b.fill()
		b.o.Progress(&StageEnd{Platform: platform, Report: StageReport{Name: name, Duration: time.Since(start)}, Image: b.rep, Err: err})
		return err
	}
	sr := StageReport{Name: name, Duration: time.Since(start), Summary: summary, Result: b.result}
	b.stages = append(b.stages, sr)
	b.result = nil
	b.fill()
	b.o.Progress(&StageEnd{Platform: platform, Report: sr, Image: b.rep})
	return nil
}

func (b *builder) compile(ctx context.Context) (string, error) {
	endList := span.Start(ctx, "resolve")
	pkg, err := b.o.compiler().Resolve(ctx, b.o.Target, compile.Query{Platform: b.platform, Settings: b.o.Compile})
	endList()
	if err != nil {
		return "", err
	}
	if err := checkAdds(b.o.Files.Adds, AppDir+"/"+pkg.Name); err != nil {
		return "", err
	}
	dir := b.tmp
	if b.o.CacheDir != "" {
		dir = filepath.Join(b.o.CacheDir, "bin")
	}
	// A binary stripped afterwards is linked without DWARF (-w): the same
	// shipped bytes but the build ID, for about half the link's CPU.
	bin, err := b.o.compiler().Build(ctx, pkg, dir, compile.Options{
		Platform: b.platform, Settings: b.o.Compile, Stderr: b.o.Stderr, NoDWARF: !b.o.NoStrip,
	})
	if err != nil {
		return "", err
	}
	bin.Package = pkg
	b.bin = bin
	b.warnings = append(b.warnings, bin.Warnings...)
	nodwarf := ""
	if !b.o.NoStrip {
		nodwarf = ", -ldflags=-w"
	}
	return fmt.Sprintf("%s → %s (%s, CGO_ENABLED=%d, -trimpath%s)", pkg.ImportPath, pkg.Name, b.platform, btoi(b.o.Compile.Cgo), nodwarf), nil
}

func (b *builder) read(ctx context.Context) (string, error) {
	var err error
	endRead := span.Start(ctx, "read file")
	b.data, err = b.bin.ReadFile(ctx)
	endRead()
	if errors.Is(err, fs.ErrNotExist) {
		// leve cache prune removed the binary between the link and now
		if _, err = b.compile(ctx); err == nil {
			b.data, err = b.bin.ReadFile(ctx)
		}
	}
	if err != nil {
		return "", err
	}
	endAnalyze := span.Start(ctx, "analyze")
	b.facts, err = read(b.data)
	endAnalyze()
	if err != nil {
		return "", err
	}
	r := b.facts.rep
	if !r.Linking.Static && b.base == nil && b.o.Files.Libs != LibsCopy {
		return "", linkingError(b.name(), r.Linking)
	}
	linking := r.Linking.String()
	var needs []string
	for _, n := range r.Needs {
		needs = append(needs, n.Kind)
	}
	top := topPackages(r, 3)
	b.result = &ReadResult{GoVersion: r.GoVersion, Linking: linking, Needs: needs, Top: top, Basic: b.facts.basic, Arch: b.platform.Arch}
	if b.facts.basic {
		b.warnings = append(b.warnings, BasicArchWarning(b.platform.Arch))
		return fmt.Sprintf("%s, %s (build info only for %s)", r.GoVersion, linking, b.platform.Arch), nil
	}
	return fmt.Sprintf("%s, %s, needs %s", r.GoVersion, linking, orNone(strings.Join(needs, ", "))), nil
}

func (b *builder) optimize(ctx context.Context) (string, error) {
	result := &OptimizeResult{}
	b.result = result
	summary := "kept symbols and DWARF"
	if !b.o.NoStrip {
		// The unstripped bytes are b's alone (the analysis is done with
		// them): strip them where they are rather than into a copy.
		out, res, err := optimize.StripInPlace(b.data)
		if err != nil {
			return "", err
		}
		b.data = out
		b.stripped = true
		result.Strip = &StripResult{Before: res.Before, After: res.After, Sections: len(res.Removed), NoDWARF: true}
		summary = fmt.Sprintf("strip (%d sections; linked without DWARF)", len(res.Removed))
	}
	if b.o.Pack {
		pr, err := b.packBinary(ctx)
		if err != nil {
			return "", err
		}
		result.Pack = pr
		if pr.Cached {
			summary += "; pack (cached)"
		} else {
			summary += fmt.Sprintf("; pack (%.1f%%)", 100*pr.Ratio)
		}
		b.packed = true
	}
	b.sizeAfter = int64(len(b.data))
	return summary, nil
}

// BasicArchWarning is the read stage's warning for a binary of an
// architecture pkg/exe does not analyse (ReadResult.Basic): its run-time
// needs are unknown, so none of its files are added.
func BasicArchWarning(arch string) string {
	return fmt.Sprintf("no size analysis or run-time needs for %s binaries: pkg/exe reads amd64, arm64, 386 and arm; if the program needs CA certificates, time zone data or other files, add them to the image explicitly: leve cannot see that need", arch)
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

// basePlatforms converts the base's Linux platforms to build targets,
// skipping those Go cannot build for.
func basePlatforms(base *pull.Source) ([]platform.Platform, error) {
	ps, err := base.Platforms()
	if err != nil {
		return nil, err
	}
	var out []platform.Platform
	for _, p := range ps {
		if cp, ok := platformOf(p); ok && !slices.Contains(out, cp) {
			out = append(out, cp)
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("base %q offers no Linux platform leve can build for", base.Ref)
	}
	return out, nil
}

func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}
