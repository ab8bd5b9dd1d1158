package exe

import (
	"bytes"
	"cmp"
	"encoding/binary"
	"slices"
	"sort"
)

// maxUsers is how many calling packages a PackageSize lists.
const maxUsers = 5

// callEdge counts the direct calls from one package into another.
type callEdge struct {
	calls   int
	example string // a calling function
}

// callScanner records direct calls between packages: CALL rel32 on amd64
// and 386, BL on arm64 and arm, whose target is a function entry.
type callScanner struct {
	a     *analysis
	edges map[[2]string]*callEdge // caller package, callee package
	// callees lists, per function, the functions it calls directly,
	// sorted and without repeats.
	callees [][]int32
	found   []int32 // the callees of the function being scanned, as found
	// entries are the entry addresses that funcAt maps to the function
	// they start, sorted, and entryFn those functions: a call's target is
	// looked up in them rather than searched for among the functions.
	entries []uint64
	entryFn []int32
}

// indexEntries fills s.entries and s.entryFn.
func (s *callScanner) indexEntries() {
	fs := s.a.tab.funcs
	s.entries, s.entryFn = make([]uint64, 0, len(fs)), make([]int32, 0, len(fs))
	sorted := true
	for i := range fs {
		if e := fs[i].entry; s.a.funcAt(e) == i {
			sorted = sorted && (len(s.entries) == 0 || s.entries[len(s.entries)-1] < e)
			s.entries, s.entryFn = append(s.entries, e), append(s.entryFn, int32(i))
		}
	}
	if !sorted {
		idx := make([]int, len(s.entries))
		for k := range idx {
			idx[k] = k
		}
		slices.SortFunc(idx, func(x, y int) int { return cmp.Compare(s.entries[x], s.entries[y]) })
		es, fns := make([]uint64, len(idx)), make([]int32, len(idx))
		for k, x := range idx {
			es[k], fns[k] = s.entries[x], s.entryFn[x]
		}
		s.entries, s.entryFn = es, fns
	}
}

// funcStarting returns the function that funcAt finds at addr when addr
// is its entry, else -1.
func (s *callScanner) funcStarting(addr uint64) int {
	if k, ok := slices.BinarySearch(s.entries, addr); ok {
		return int(s.entryFn[k])
	}
	return -1
}

// scan records the calls in the code of function i; callerAt gives the
// package that makes a call into a package at a pc, through inlining.
func (s *callScanner) scan(i int, code []byte, callerAt func(pc uint64, callee string) string) {
	fn := &s.a.tab.funcs[i]
	fs := s.a.tab.funcs
	lo, hi := fs[0].entry, fs[len(fs)-1].end // what funcAt can find
	if s.entries == nil {
		s.indexEntries()
	}
	call := func(pc, target uint64) {
		if target < lo || target >= hi {
			return
		}
		j := s.funcStarting(target)
		if j < 0 {
			return
		}
		s.found = append(s.found, int32(j))
		to := s.a.funcPkg[j]
		from := callerAt(pc, to)
		if from == to || from == "" || to == "" {
			return
		}
		e := s.edges[[2]string{from, to}]
		if e == nil {
			e = &callEdge{example: fn.name}
			s.edges[[2]string{from, to}] = e
		}
		e.calls++
	}
	switch s.a.f.arch.goarch {
	case "amd64", "386":
		for k := 0; k+5 <= len(code); k++ {
			n := bytes.IndexByte(code[k:len(code)-4], 0xe8)
			if n < 0 {
				break
			}
			k += n
			rel := int32(binary.LittleEndian.Uint32(code[k+1:]))
			call(fn.entry+uint64(k), uint64(int64(fn.entry)+int64(k)+5+int64(rel)))
		}
	case "arm64":
		for k := 0; k+4 <= len(code); k += 4 {
			if insn := binary.LittleEndian.Uint32(code[k:]); insn&0xfc000000 == 0x94000000 {
				imm := int64(insn&0x03ffffff) << 38 >> 36 // sign-extend 26 bits, times 4
				call(fn.entry+uint64(k), uint64(int64(fn.entry)+int64(k)+imm))
			}
		}
	case "arm":
		for k := 0; k+4 <= len(code); k += 4 {
			if insn := binary.LittleEndian.Uint32(code[k:]); insn&0x0f000000 == 0x0b000000 && insn>>28 != 0xf {
				imm := int64(insn&0x00ffffff) << 40 >> 38 // sign-extend 24 bits, times 4
				call(fn.entry+uint64(k), uint64(int64(fn.entry)+int64(k)+8+imm))
			}
		}
	}
	s.addCallees(i)
}

// addCallees adds the callees found in the code of function i (s.found)
// to its list, sorted and without repeats, and empties s.found.
func (s *callScanner) addCallees(i int) {
	if len(s.found) == 0 {
		return
	}
	if s.callees == nil {
		s.callees = make([][]int32, len(s.a.tab.funcs))
	}
	cs := append(s.callees[i], s.found...)
	slices.Sort(cs)
	s.callees[i] = slices.Clip(slices.Compact(cs))
	s.found = s.found[:0]
}

// funcAt returns the index of the function containing addr, or -1.
func (a *analysis) funcAt(addr uint64) int {
	fs := a.tab.funcs
	i := sort.Search(len(fs), func(i int) bool { return fs[i].end > addr })
	if i < len(fs) && fs[i].entry <= addr {
		return i
	}
	return -1
}

// usedBy returns, per called package, its callers with the most calls
// first, at most maxUsers of them.
func (s *callScanner) usedBy() map[string][]Use {
	out := map[string][]Use{}
	for k, e := range s.edges {
		out[k[1]] = append(out[k[1]], Use{Package: k[0], Calls: e.calls, Example: e.example})
	}
	for pkg, us := range out {
		slices.SortFunc(us, func(x, y Use) int {
			if c := cmp.Compare(y.Calls, x.Calls); c != 0 {
				return c
			}
			return cmp.Compare(x.Package, y.Package)
		})
		out[pkg] = us[:min(len(us), maxUsers)]
	}
	return out
}
