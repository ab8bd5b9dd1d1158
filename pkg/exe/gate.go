package exe

// The rules of a Gate, as GateResult.Rule names them.
const (
	GateMaxSize   = "max-size"
	GateMaxGrowth = "max-growth"
)

// A Gate holds the size rules of a CI check (leve analyze --max-size,
// --max-growth).
type Gate struct {
	// MaxSize is the largest allowed file size in bytes; 0 means no limit.
	MaxSize int64
	// MaxGrowth limits the growth from the old to the new file; nil means
	// no limit. It needs a comparison.
	MaxGrowth *Limit
}

// A GateResult is the outcome of one rule of a Gate.
type GateResult struct {
	Rule   string // GateMaxSize or GateMaxGrowth
	Passed bool
	// Old and New are the sizes compared: New alone for GateMaxSize.
	Old, New int64
}

// Check applies each rule that is set: MaxSize to the new file (of c, or
// of size when c is nil), MaxGrowth to c's growth from the old file (not
// checked when c is nil). It returns one result per rule checked, in the
// order above.
func (g Gate) Check(size int64, c *Comparison) []GateResult {
	var out []GateResult
	if c != nil {
		size = c.New
	}
	if g.MaxSize > 0 {
		out = append(out, GateResult{Rule: GateMaxSize, Passed: size <= g.MaxSize, New: size})
	}
	if g.MaxGrowth != nil && c != nil {
		out = append(out, GateResult{Rule: GateMaxGrowth, Passed: g.MaxGrowth.Allows(c.Old, c.New), Old: c.Old, New: c.New})
	}
	return out
}
