package pipeline

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/leve-build/leve/internal/humanize"
	"github.com/leve-build/leve/pkg/assemble"
	"github.com/leve-build/leve/pkg/compile"
	"github.com/leve-build/leve/pkg/optimize"
)

// Build runs compile → read → optimize → package → ship for one target and
// returns the image and the report of every stage.
func Build(ctx context.Context, o Options) (*Report, v1.Image, error) {
	if o.Platform.Arch == "" {
		o.Platform = compile.DefaultPlatform
	}
	rep := &Report{SchemaVersion: SchemaVersion, Platform: o.Platform.String(), Outputs: []Output{}}
	b := &builder{o: o, rep: rep}
	steps := []struct {
		name string
		run  func(context.Context) (string, error)
	}{
		{"compile", b.compile},
		{"read", b.read},
		{"optimize", b.optimize},
		{"package", b.pack},
		{"ship", b.ship},
	}
	defer b.cleanup()
	for _, s := range steps {
		start := time.Now()
		summary, err := s.run(ctx)
		if err != nil {
			return rep, nil, err
		}
		rep.Stages = append(rep.Stages, StageReport{Name: s.name, Duration: time.Since(start), Summary: summary})
	}
	return rep, b.img, nil
}

// builder carries one Build's intermediate results between stages.
type builder struct {
	o      Options
	rep    *Report
	tmp    string
	bin    compile.Binary
	data   []byte
	facts  *facts
	img    v1.Image
	layers []*assemble.Layer
}

func (b *builder) cleanup() {
	if b.tmp != "" {
		os.RemoveAll(b.tmp)
	}
}

func (b *builder) compile(ctx context.Context) (string, error) {
	pkg, err := compile.Resolve(ctx, b.o.Target, b.o.Platform, b.o.Tags)
	if err != nil {
		return "", err
	}
	dir := filepath.Join(b.o.CacheDir, "bin")
	if b.o.CacheDir == "" {
		if b.tmp, err = os.MkdirTemp("", "leve-build-"); err != nil {
			return "", fmt.Errorf("compiling: %w", err)
		}
		dir = b.tmp
	}
	b.bin, err = compile.Build(ctx, pkg, dir, compile.Options{
		Platform: b.o.Platform, Ldflags: b.o.Ldflags, Tags: b.o.Tags, Gcflags: b.o.Gcflags, Stderr: b.o.Stderr,
	})
	if err != nil {
		return "", err
	}
	b.rep.Binary = BinaryReport{Name: pkg.Name, Path: AppDir + "/" + pkg.Name, Package: pkg.ImportPath, Module: pkg.Module, SizeBefore: b.bin.Size}
	return fmt.Sprintf("%s → %s (%s, CGO_ENABLED=0, -trimpath)", pkg.ImportPath, pkg.Name, b.o.Platform), nil
}

func (b *builder) read(context.Context) (string, error) {
	var err error
	if b.data, err = os.ReadFile(b.bin.Path); err != nil {
		return "", fmt.Errorf("reading binary: %w", err)
	}
	if b.facts, err = read(b.data); err != nil {
		return "", err
	}
	bin := &b.rep.Binary
	bin.GoVersion = b.facts.info.GoVersion
	bin.Static = b.facts.static
	bin.Needs = []Need{}
	if !b.facts.static {
		return "", fmt.Errorf("reading binary %s: it is dynamically linked (interpreter %s, libraries %s) and cannot run on scratch; build it with CGO_ENABLED=0", bin.Name, b.facts.interp, strings.Join(b.facts.needed, ", "))
	}
	return fmt.Sprintf("%s, static, module %s", bin.GoVersion, orNone(b.facts.info.Main.Path)), nil
}

func (b *builder) optimize(context.Context) (string, error) {
	bin := &b.rep.Binary
	if b.o.NoStrip {
		bin.SizeAfter = int64(len(b.data))
		return "kept symbols and DWARF (--no-strip)", nil
	}
	out, res, err := optimize.Strip(b.data)
	if err != nil {
		return "", err
	}
	b.data = out
	bin.SizeAfter, bin.Stripped = res.After, true
	return fmt.Sprintf("strip %s → %s (-%s, %d sections)", humanize.Bytes(res.Before), humanize.Bytes(res.After), humanize.Bytes(res.Before-res.After), len(res.Removed)), nil
}

func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}
