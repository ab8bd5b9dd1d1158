package pipeline

import (
	"context"
	"io"
	"strings"
	"sync"
	"testing"

	"github.com/leve-build/leve/internal/testutil/fakecompile"
	"github.com/leve-build/leve/pkg/compile"
)

// optionsRecorder is a fake compiler that keeps the options of each build.
type optionsRecorder struct {
	fakecompile.Compiler
	mu   sync.Mutex
	opts []compile.Options
}

func (r *optionsRecorder) Build(ctx context.Context, pkg compile.Package, outDir string, o compile.Options) (compile.Binary, error) {
	r.mu.Lock()
	r.opts = append(r.opts, o)
	r.mu.Unlock()
	return r.Compiler.Build(ctx, pkg, outDir, o)
}

// TestBuildLinksWithoutDWARFWhenStripping checks that a binary Build
// strips is linked without DWARF, and one shipped with --no-strip with it,
// and that the report says which.
func TestBuildLinksWithoutDWARFWhenStripping(t *testing.T) {
	for _, noStrip := range []bool{false, true} {
		c := &optionsRecorder{}
		rep, _, err := buildShip(context.Background(), Options{Target: mainDir(t), Compiler: c, Stderr: io.Discard, WorkDir: t.TempDir(), NoStrip: noStrip})
		if err != nil {
			t.Fatalf("Build(NoStrip: %v): %v", noStrip, err)
		}
		if len(c.opts) != 1 || c.opts[0].NoDWARF == noStrip {
			t.Errorf("Build(NoStrip: %v) compiled with %+v, want one build with NoDWARF %v", noStrip, c.opts, !noStrip)
		}
		img := rep.Images[0]
		compiled := img.Stages[0].Summary
		if strings.Contains(compiled, "-ldflags=-w") == noStrip {
			t.Errorf("Build(NoStrip: %v): compile summary %q, want -ldflags=-w named only when stripping", noStrip, compiled)
		}
		opt, _ := img.Stages[2].Result.(*OptimizeResult)
		if opt == nil || (opt.Strip == nil) != noStrip || (opt.Strip != nil && !opt.Strip.NoDWARF) {
			t.Errorf("Build(NoStrip: %v): optimize result %+v, want a strip with NoDWARF unless NoStrip", noStrip, opt)
		}
	}
}
