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
// concurrently, then ships the image (one platform) or the image index
// (several) and returns it with the report of every stage.
func Build(ctx context.Context, o Options) (*Report, publish.Artifact, error) {
	if len(o.Platforms) == 0 {
		o.Platforms = []platform.Platform{platform.Default}
	}
	base, err := pull.Open(ctx, o.Base, pull.Options{Registry: o.Registry, Role: "base"})
	if err != nil {
		return &Report{SchemaVersion: SchemaVersion}, nil, err
	}
	// The sinks run before Build returns; then the base's files may go.
	defer base.Close()
	if base != nil && o.PlatformsFromBase {
		if o.Platforms, err = basePlatforms(base); err != nil {
			return &Report{SchemaVersion: SchemaVersion}, nil, err
		}
	}
	rep := &Report{SchemaVersion: SchemaVersion, Outputs: []Output{}, Images: make([]ImageReport, len(o.Platforms))}
	if base != nil {
		rep.BaseFrom = base.From
	}
	if o.shared == nil {
		o.shared = assemble.NewShared()
	}
	send := o.progress()
	o.Progress = send // the builders' and ship's events go through the same lock
	start := &BuildStart{}
	for _, p := range o.Platforms {
		start.Platforms = append(start.Platforms, p.String())
	}
	send(start)
	images := make([]v1.Image, len(o.Platforms))
	builders := make([]*builder, len(o.Platforms))
	tmp, err := os.MkdirTemp(o.WorkDir, "leve-build-")
	if err != nil {
		return rep, nil, fmt.Errorf("building: %w", err)
	}
	if o.WorkDir == "" {
		defer os.RemoveAll(tmp)
	}
	// Platforms are not limited here: the go commands they run take a
	// process-wide slot (goSlots).
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
		return rep, nil, err
	}
	art, err := combine(images, rep)
	if err != nil {
		return rep, nil, err
	}
	if refs := referrers(builders); len(refs) > 0 {
		art = publish.Bundle{Artifact: art, Referrers: refs}
	}
	send(&StageStart{Stage: "ship"})
	began := time.Now()
	endShip := span.Start(ctx, "ship")
	summary, err := ship(ctx, o, art, rep)
	endShip()
	if err != nil {
		send(&StageEnd{Report: StageReport{Name: "ship", Duration: time.Since(began)}, Err: err})
		return rep, nil, err
	}
	rep.Ship = StageReport{Name: "ship", Duration: time.Since(began), Summary: summary}
	send(&StageEnd{Report: rep.Ship})
	return rep, art, nil
}

// combine returns the one image, or an OCI index of several, and fills the
// report's digest and pull size.
func combine(images []v1.Image, rep *Report) (publish.Artifact, error) {
	first := rep.Images[0]
	rep.PullSize = first.PullSize
	if len(images) == 1 {
		rep.Digest, rep.MediaType = first.Digest, first.Manifest.MediaType
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

// builder carries one platform's intermediate results between stages.
type builder struct {
	o        Options
	platform platform.Platform
	rep      *ImageReport
	tmp      string
	base     v1.Image // nil for scratch
	bin      compile.Binary
	data     []byte
	facts    *facts
	img      v1.Image
	layers   []*assemble.Layer
	// runtimeEnv points the program at its run-time files.
	runtimeEnv []string
	sbom       v1.Image // the SBOM referrer, nil with --sbom=none
	nssCopied  bool     // Options.Libs LibsCopy added glibc's NSS modules and nsswitch.conf
	// result is the typed outcome of the stage running, if it has one.
	result StageResult
}

// run executes the per-platform stages in order.
func (b *builder) run(ctx context.Context) (v1.Image, error) {
	b.rep.Platform = b.platform.String()
	steps := []struct {
		name string
		run  func(context.Context) (string, error)
	}{
		{"compile", b.compile},
		{"read", b.read},
		{"optimize", b.optimize},
		{"package", b.pack},
	}
	platform := b.platform.String()
	for _, s := range steps {
		b.o.Progress(&StageStart{Platform: platform, Stage: s.name})
		start := time.Now()
		end := span.Start(ctx, s.name)
		summary, err := s.run(ctx)
		end()
		if err != nil {
			b.o.Progress(&StageEnd{Platform: platform, Report: StageReport{Name: s.name, Duration: time.Since(start)}, Image: b.rep, Err: err})
			return nil, err
		}
		sr := StageReport{Name: s.name, Duration: time.Since(start), Summary: summary, Result: b.result}
		b.rep.Stages = append(b.rep.Stages, sr)
		b.result = nil
		b.o.Progress(&StageEnd{Platform: platform, Report: sr, Image: b.rep})
	}
	return b.img, nil
}

func (b *builder) compile(ctx context.Context) (string, error) {
	release, err := goSlot(ctx)
	if err != nil {
		return "", err
	}
	defer release()
	endList := span.Start(ctx, "go list")
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
	b.bin, err = b.o.compiler().Build(ctx, pkg, dir, compile.Options{
		Platform: b.platform, Settings: b.o.Compile, Stderr: b.o.Stderr,
	})
	if err != nil {
		return "", err
	}
	b.rep.Binary = BinaryReport{Name: pkg.Name, Path: AppDir + "/" + pkg.Name, Package: pkg.ImportPath, Module: pkg.Module, SizeBefore: b.bin.Size}
	b.rep.Warnings = append(b.rep.Warnings, b.bin.Warnings...)
	return fmt.Sprintf("%s → %s (%s, CGO_ENABLED=%d, -trimpath)", pkg.ImportPath, pkg.Name, b.platform, btoi(b.o.Compile.Cgo)), nil
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
	bin := &b.rep.Binary
	bin.GoVersion = r.GoVersion
	bin.Static = r.Linking.Static
	bin.Needs = needsOf(r)
	bin.TopPackages = topPackages(r, 5)
	bin.Attributed = r.Coverage.Attributed()
	bin.Suggestions = suggestionsOf(r)
	if !r.Linking.Static && b.base == nil && b.o.Files.Libs != LibsCopy {
		return "", linkingError(bin.Name, r.Linking)
	}
	linking := r.Linking.String()
	var needs []string
	for _, n := range bin.Needs {
		needs = append(needs, n.Kind)
	}
	res := &ReadResult{GoVersion: bin.GoVersion, Linking: linking, Needs: needs, Top: bin.TopPackages[:min(3, len(bin.TopPackages))], Basic: b.facts.basic, Arch: b.platform.Arch}
	b.result = res
	if b.facts.basic {
		b.rep.Warnings = append(b.rep.Warnings, fmt.Sprintf("no size analysis or run-time needs for %s binaries: pkg/exe reads amd64, arm64, 386 and arm; if the program needs CA certificates, time zone data or other files, add them to the image explicitly: leve cannot see that need", b.platform.Arch))
		return fmt.Sprintf("%s, %s (build info only for %s)", bin.GoVersion, linking, b.platform.Arch), nil
	}
	return fmt.Sprintf("%s, %s, needs %s", bin.GoVersion, linking, orNone(strings.Join(needs, ", "))), nil
}

func (b *builder) optimize(ctx context.Context) (string, error) {
	bin := &b.rep.Binary
	result := &OptimizeResult{}
	b.result = result
	summary := "kept symbols and DWARF"
	if !b.o.NoStrip {
		out, res, err := optimize.Strip(b.data)
		if err != nil {
			return "", err
		}
		b.data = out
		bin.Stripped = true
		result.Strip = &StripResult{Before: res.Before, After: res.After, Sections: len(res.Removed)}
		summary = fmt.Sprintf("strip (%d sections)", len(res.Removed))
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
		bin.Packed = true
	}
	bin.SizeAfter = int64(len(b.data))
	return summary, nil
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
