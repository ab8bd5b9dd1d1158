package pipeline

import (
	"context"
	"runtime"
)

// cpuSlots bounds the stages that keep a CPU busy (compile with its go
// commands, read, optimize, package) that the builds of this process run
// at once, over every target and platform, to one per CPU. More would not
// end sooner: they would take turns on the CPUs, each turn refilling the
// caches the other had emptied (a compression's match finder and a link
// each fill a core's L2 cache).
var cpuSlots = make(chan struct{}, max(1, runtime.NumCPU()))

// cpuSlot waits for a free slot and returns the function that frees it, or
// ctx's error.
func cpuSlot(ctx context.Context) (release func(), err error) {
	select {
	case cpuSlots <- struct{}{}:
		return func() { <-cpuSlots }, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}
