package cli

import (
	"context"
	"fmt"
	"os"

	"github.com/leve-build/leve/internal/atomicfile"
	"github.com/leve-build/leve/internal/span"
)

// withTrace returns ctx recording spans when LEVE_TRACE=FILE is set, and
// the function that writes them to FILE as Chrome trace-event JSON once
// the run is over (docs/cli.md), ending with a "cpu" mark of the CPU time
// leve and the go commands used.
func withTrace(ctx context.Context) (context.Context, func() error) {
	path := os.Getenv("LEVE_TRACE")
	if path == "" {
		return ctx, func() error { return nil }
	}
	r := span.NewRecorder()
	return span.WithRecorder(ctx, r), func() error {
		r.Mark("cpu", cpuTimes())
		if err := atomicfile.Write(path, 0o644, r.WriteJSON); err != nil {
			return fmt.Errorf("LEVE_TRACE %s: %w", path, err)
		}
		return nil
	}
}
