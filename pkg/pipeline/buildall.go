package pipeline

import (
	"context"
	"fmt"
	"runtime"
	"sync"

	"golang.org/x/sync/errgroup"

	"github.com/leve-build/leve/internal/span"
	"github.com/leve-build/leve/pkg/assemble"
)

// targetsAtOnce is how many builds per CPU BuildAll runs at once: more
// would not end sooner (their stages take a slot per CPU, cpuSlots) and
// would only hold more binaries in memory.
const targetsAtOnce = 1

// BuildAll builds, ships (Build, Built.Ship, Built.Close) each of opts
// (one per target) concurrently and returns the reports in opts' order, nil for a build that did not end
// well. As many builds as CPUs run at once, and each stage of theirs
// (compile, read, optimize, package) takes a process-wide slot per CPU:
// one platform's read, strip and compression take a CPU while another
// links, and no two stages take turns on one CPU; the bound keeps the
// binaries held in memory in proportion to the CPUs. The small layers the images have in common
// (leve's system files, run-time files) are compressed once for all of
// them. With several targets each
// build's trace spans are in a lane named by its Target.
//
// done, when not nil, is called as each build ends, from its goroutine.
// The first failure cancels the builds still running; the error is then
// a *BuildAllError.
func BuildAll(ctx context.Context, opts []Options, done func(i int, rep *Report, err error)) ([]*Report, error) {
	reps := make([]*Report, len(opts))
	errs := make([]error, len(opts))
	shared := assemble.NewShared()
	first := -1
	var mu sync.Mutex
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(targetsAtOnce * runtime.NumCPU())
	for i, o := range opts {
		g.Go(func() error {
			if o.shared == nil {
				o.shared = shared
			}
			bctx := gctx
			if len(opts) > 1 {
				bctx = span.WithLane(gctx, o.Target)
			}
			rep, err := buildAndShip(bctx, o)
			if err == nil {
				reps[i] = rep
			} else {
				mu.Lock()
				errs[i] = err
				if first < 0 {
					first = i
				}
				mu.Unlock()
			}
			if done != nil {
				done(i, rep, err)
			}
			return err
		})
	}
	if g.Wait() != nil {
		return reps, &BuildAllError{First: first, Errs: errs}
	}
	return reps, nil
}

// A BuildAllError is the failure of BuildAll: Errs[i] is the error of
// opts[i]'s build, nil for those that succeeded, and First the build that
// failed first (the others may have been cancelled by it).
type BuildAllError struct {
	First int
	Errs  []error
}

func (e *BuildAllError) Error() string {
	return fmt.Sprintf("building target %d: %v", e.First+1, e.Errs[e.First])
}

// Unwrap returns the first failure.
func (e *BuildAllError) Unwrap() error { return e.Errs[e.First] }
