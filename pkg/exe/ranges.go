package exe

import (
	"cmp"
	"slices"
)

// OwnerKind classifies who owns a range of the file.
type OwnerKind uint8

// Owner kinds, from the most to the least specific.
const (
	// OwnerPackage is a Go package; Owner.Name is its import path.
	OwnerPackage OwnerKind = iota + 1
	// OwnerModule is a module whose packages share the bytes (a string or a
	// stack map used by several of its packages); Owner.Name is its path.
	OwnerModule
	// OwnerShared is a named bucket of bytes the linker shares between
	// packages of several modules (deduplicated strings, unnamed types).
	OwnerShared
	// OwnerMetadata is file or runtime metadata that belongs to no
	// package: ELF headers, alignment padding, the pclntab header, build
	// information, the symbol table, DWARF, trailing data.
	OwnerMetadata
	// OwnerUnattributed is the remainder of a section that no reader
	// could attribute; Owner.Name is the section.
	OwnerUnattributed
)

var ownerKindNames = [...]string{"", "package", "module", "shared", "metadata", "unattributed"}

// String returns the lowercase name used in JSON.
func (k OwnerKind) String() string {
	if int(k) < len(ownerKindNames) && k > 0 {
		return ownerKindNames[k]
	}
	return "invalid"
}

// Class says what the bytes of a range are for.
type Class uint8

// Byte classes. Per package, a [PackageSize] reports code, pcln and data.
const (
	ClassCode  Class = iota + 1 // machine code
	ClassPcln                   // pclntab: function metadata, pc-value tables, names, funcdata
	ClassData                   // types, strings, variables and other data
	ClassDebug                  // symbol table and DWARF
	ClassOther                  // headers and padding
)

var classNames = [...]string{"", "code", "pcln", "data", "debug", "other"}

// String returns the lowercase name used in JSON.
func (c Class) String() string {
	if int(c) < len(classNames) && c > 0 {
		return classNames[c]
	}
	return "invalid"
}

// An Owner owns bytes of the file.
type Owner struct {
	Kind   OwnerKind
	Name   string // package path, module path, bucket or section name
	Module string // the module of a package; "" for other kinds
}

// A Range is a run of file bytes with one owner and one class.
type Range struct {
	Off, Size int64
	Owner     Owner
	Class     Class
}

// claim is a range proposed by one reader; owner indexes analysis.owners.
type claim struct {
	off, end int64
	owner    int32
	class    Class
}

// rangeMap accumulates claims in priority order: the first claim on a byte
// wins. It keeps a sorted list of non-overlapping claims.
type rangeMap struct {
	size    int64
	covered []claim
	spare   []claim // the previous covered, reused by the next merge
	pieces  []claim
}

// add merges a layer of claims. Claims of a layer may overlap each other;
// the claim that starts first (then the longest) wins.
func (m *rangeMap) add(layer []claim) {
	slices.SortFunc(layer, func(x, y claim) int {
		if c := cmp.Compare(x.off, y.off); c != 0 {
			return c
		}
		if c := cmp.Compare(y.end, x.end); c != 0 {
			return c
		}
		return cmp.Compare(x.owner, y.owner)
	})
	pieces := m.pieces[:0]
	if cap(pieces) < len(layer) {
		pieces = make([]claim, 0, len(layer)) // most claims stay one piece
	}
	ci := 0
	var layerEnd int64
	for _, c := range layer {
		if c.off < layerEnd {
			c.off = layerEnd
		}
		if c.off < 0 {
			c.off = 0
		}
		if c.end > m.size {
			c.end = m.size
		}
		if c.off >= c.end {
			continue
		}
		layerEnd = c.end
		for ci < len(m.covered) && m.covered[ci].end <= c.off {
			ci++
		}
		start := c.off
		for k := ci; start < c.end; k++ {
			if k == len(m.covered) || m.covered[k].off >= c.end {
				pieces = append(pieces, claim{start, c.end, c.owner, c.class})
				break
			}
			if cv := m.covered[k]; cv.off > start {
				pieces = append(pieces, claim{start, cv.off, c.owner, c.class})
			}
			start = max(start, m.covered[k].end)
		}
	}
	m.pieces = pieces
	if len(pieces) == 0 {
		return
	}
	merged := m.spare[:0]
	if n := len(m.covered) + len(pieces); cap(merged) < n {
		merged = make([]claim, 0, n) // the most the merge can hold
	}
	i, j := 0, 0
	for i < len(m.covered) || j < len(pieces) {
		var c claim
		if j == len(pieces) || (i < len(m.covered) && m.covered[i].off < pieces[j].off) {
			c = m.covered[i]
			i++
		} else {
			c = pieces[j]
			j++
		}
		// Coalesce runs of one owner and class (consecutive functions of
		// a package) to keep the map small.
		if n := len(merged); n > 0 && merged[n-1].end == c.off && merged[n-1].owner == c.owner && merged[n-1].class == c.class {
			merged[n-1].end = c.end
			continue
		}
		merged = append(merged, c)
	}
	m.covered, m.spare = merged, m.covered
}

// gaps returns the ranges no claim covers.
func (m *rangeMap) gaps() [][2]int64 {
	var g [][2]int64
	var pos int64
	for _, c := range m.covered {
		if c.off > pos {
			g = append(g, [2]int64{pos, c.off})
		}
		pos = c.end
	}
	if pos < m.size {
		g = append(g, [2]int64{pos, m.size})
	}
	return g
}

// appendClaim appends c to cs, extending the last claim instead when c
// continues it with the same owner and class. Layers use it to stay small.
func appendClaim(cs []claim, c claim) []claim {
	if n := len(cs); n > 0 && cs[n-1].end == c.off && cs[n-1].owner == c.owner && cs[n-1].class == c.class {
		cs[n-1].end = c.end
		return cs
	}
	return append(cs, c)
}
