package pipeline

import (
	"context"
	"runtime"
)

// goSlots bounds the go commands (go list, go build) that the builds of
// this process run at once, over every target and platform: a link keeps
// about one CPU busy, so more links than CPUs only add memory and
// switching. The platforms of a target are otherwise not limited, so that
// the stages leve runs itself (read, strip, tar, compress, ship) take the
// CPUs between and beside the links instead of waiting for a slot.
var goSlots = make(chan struct{}, max(1, runtime.NumCPU()))

// goSlot waits for a free slot and returns the function that frees it, or
// ctx's error.
func goSlot(ctx context.Context) (release func(), err error) {
	select {
	case goSlots <- struct{}{}:
		return func() { <-goSlots }, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}
