package exe

import (
	"errors"
	"fmt"
)

// ErrGate is wrapped by the errors of [Gate.Check]: a size rule is broken.
var ErrGate = errors.New("size gate failed")

// A Gate holds the size rules of a CI check (leve analyze --max-size,
// --max-growth).
type Gate struct {
	// MaxSize is the largest allowed file size in bytes; 0 means no limit.
	MaxSize int64
	// MaxGrowth limits the growth from the old to the new file; nil means
	// no limit. It needs a comparison.
	MaxGrowth *Limit
}

// Check returns nil when the new binary of c (and, for MaxGrowth, its
// growth from the old one) obeys every rule, else an error wrapping
// [ErrGate] that names each broken rule. A nil c checks MaxSize against
// size alone.
func (g Gate) Check(size int64, c *Comparison) error {
	var errs []error
	if c != nil {
		size = c.New
	}
	if g.MaxSize > 0 && size > g.MaxSize {
		errs = append(errs, fmt.Errorf("%w: max-size: %s (%d bytes) exceeds %s (%d bytes)",
			ErrGate, FormatSize(size), size, FormatSize(g.MaxSize), g.MaxSize))
	}
	if g.MaxGrowth != nil && c != nil && !g.MaxGrowth.Allows(c.Old, c.New) {
		errs = append(errs, fmt.Errorf("%w: max-growth: grew by %s (%d bytes, %+.2f%%) from %s, limit %s",
			ErrGate, FormatSize(c.Delta), c.Delta, percent(c.Old, c.New), FormatSize(c.Old), g.MaxGrowth))
	}
	return errors.Join(errs...)
}

func percent(old, new int64) float64 {
	if old == 0 {
		return 0
	}
	return 100 * float64(new-old) / float64(old)
}
