package exe

import (
	"cmp"
	"slices"
)

// A Comparison holds the deltas between two reports, the biggest change
// first in each list.
type Comparison struct {
	Old      int64   `json:"old"`   // old file size
	New      int64   `json:"new"`   // new file size
	Delta    int64   `json:"delta"` // New - Old
	Packages []Delta `json:"packages"`
	Modules  []Delta `json:"modules"`
	Sections []Delta `json:"sections"`
	// NeedsAdded and NeedsRemoved list the need kinds the new binary has
	// and the old has not, and the reverse, sorted.
	NeedsAdded   []string `json:"needsAdded,omitempty"`
	NeedsRemoved []string `json:"needsRemoved,omitempty"`
	// MethodDeadCode is set when the change turned the linker's method
	// dead-code elimination off or on.
	MethodDeadCode *MethodDeadCodeChange `json:"methodDeadCode,omitempty"`
}

// A MethodDeadCodeChange says that a change turned the method dead-code
// elimination off (NewDisabled) or back on, with the causes on the side
// where it is off.
type MethodDeadCodeChange struct {
	OldDisabled bool           `json:"oldDisabled"`
	NewDisabled bool           `json:"newDisabled"`
	Causes      []ReflectCause `json:"causes,omitempty"`
	// EstimatedCost is the estimate of the side where it is off.
	EstimatedCost *MethodCost `json:"estimatedCost,omitempty"`
}

// A Delta is the change of one package, module or section. Old or New is
// 0 when it exists on one side only.
type Delta struct {
	Name  string `json:"name"`
	Old   int64  `json:"old"`
	New   int64  `json:"new"`
	Delta int64  `json:"delta"`
}

// Compare returns the per-package, per-module and per-section deltas from
// old to new. Unchanged entries are left out. Section sizes are file sizes.
func Compare(old, new *Report) *Comparison {
	c := &Comparison{Old: old.Size, New: new.Size, Delta: new.Size - old.Size}
	pkgs := func(r *Report) map[string]int64 {
		m := map[string]int64{}
		for _, p := range r.Packages {
			m[p.Path] += p.Total
		}
		return m
	}
	mods := func(r *Report) map[string]int64 {
		m := map[string]int64{}
		for _, p := range r.Modules {
			m[p.Path] += p.Total
		}
		return m
	}
	secs := func(r *Report) map[string]int64 {
		m := map[string]int64{}
		for _, s := range r.Sections {
			m[s.Name] += s.FileSize
		}
		return m
	}
	c.Packages = deltas(pkgs(old), pkgs(new))
	c.Modules = deltas(mods(old), mods(new))
	c.Sections = deltas(secs(old), secs(new))
	c.NeedsAdded, c.NeedsRemoved = needKinds(new, old), needKinds(old, new)
	if om, nm := old.MethodDeadCode, new.MethodDeadCode; om != nil && nm != nil && om.Disabled != nm.Disabled {
		off := nm
		if om.Disabled {
			off = om
		}
		c.MethodDeadCode = &MethodDeadCodeChange{OldDisabled: om.Disabled, NewDisabled: nm.Disabled,
			Causes: off.Causes, EstimatedCost: off.EstimatedCost}
	}
	return c
}

// needKinds returns the need kinds of a that b lacks, sorted.
func needKinds(a, b *Report) []string {
	in := map[string]bool{}
	for _, n := range b.Needs {
		in[n.Kind] = true
	}
	var out []string
	for _, n := range a.Needs {
		if !in[n.Kind] && !slices.Contains(out, n.Kind) {
			out = append(out, n.Kind)
		}
	}
	slices.Sort(out)
	return out
}

func deltas(old, new map[string]int64) []Delta {
	var out []Delta
	for name, o := range old {
		if n := new[name]; n != o {
			out = append(out, Delta{Name: name, Old: o, New: n, Delta: n - o})
		}
	}
	for name, n := range new {
		if _, ok := old[name]; !ok && n != 0 {
			out = append(out, Delta{Name: name, New: n, Delta: n})
		}
	}
	slices.SortFunc(out, func(a, b Delta) int {
		if c := cmp.Compare(abs(b.Delta), abs(a.Delta)); c != 0 {
			return c
		}
		return cmp.Compare(a.Name, b.Name)
	})
	return out
}

func abs(x int64) int64 {
	if x < 0 {
		return -x
	}
	return x
}
