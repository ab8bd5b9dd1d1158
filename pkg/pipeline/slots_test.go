package pipeline

import (
	"context"
	"errors"
	"io"
	"sync"
	"testing"
	"time"

	"github.com/leve-build/leve/internal/testutil/fakecompile"
	"github.com/leve-build/leve/pkg/compile"
	"github.com/leve-build/leve/pkg/platform"
)

// slowCompiler is fakecompile's compiler with a Build that takes as long
// as a link, so that another platform's later stages would run beside it
// if nothing held them back.
type slowCompiler struct{ fakecompile.Compiler }

func (c *slowCompiler) Build(ctx context.Context, pkg compile.Package, outDir string, o compile.Options) (compile.Binary, error) {
	time.Sleep(200 * time.Millisecond)
	return c.Compiler.Build(ctx, pkg, outDir, o)
}

// oneSlot gives the builds of test t one CPU slot.
func oneSlot(t *testing.T) {
	saved := cpuSlots
	cpuSlots = make(chan struct{}, 1)
	t.Cleanup(func() { cpuSlots = saved })
}

// TestStagesTakeCPUSlots builds two platforms with one CPU slot: each
// stage of one platform (compile, read, optimize, package) waits for the
// other's to end, so that no two take turns on one CPU, and both images
// are built.
func TestStagesTakeCPUSlots(t *testing.T) {
	oneSlot(t)

	var mu sync.Mutex
	running, most, ends := 0, 0, 0
	o := Options{
		Target:    mainDir(t),
		Platforms: []platform.Platform{{OS: "linux", Arch: "amd64"}, {OS: "linux", Arch: "arm64"}},
		Compiler:  &slowCompiler{},
		Stderr:    io.Discard,
		WorkDir:   t.TempDir(),
		Progress: func(e Event) {
			mu.Lock()
			defer mu.Unlock()
			switch e := e.(type) {
			case *StageStart:
				if e.Platform != "" { // not ship's, which runs after
					running++
					most = max(most, running)
				}
			case *StageEnd:
				if e.Platform != "" {
					running--
					ends++
				}
			}
		},
	}
	rep, _, err := buildShip(context.Background(), o)
	if err != nil {
		t.Fatalf("Build: %v", err)
	}
	if most != 1 || ends != 8 || len(rep.Images) != 2 {
		t.Errorf("%d stages at most at once, %d ended, %d images; want 1, 8 and 2", most, ends, len(rep.Images))
	}
}

// TestStageSlotCanceled: a stage waiting for a slot gives up when the
// build is canceled, and returns the context's error.
func TestStageSlotCanceled(t *testing.T) {
	oneSlot(t)
	cpuSlots <- struct{}{} // every slot taken
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	_, _, err := buildShip(ctx, Options{Target: mainDir(t), Compiler: &fakecompile.Compiler{}, Stderr: io.Discard, WorkDir: t.TempDir()})
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Build with no free slot: %v, want the context's error", err)
	}
}
