package exe

import (
	"encoding/binary"
	"sort"
)

// Function data indices of the runtime.
const (
	pcdataInlTreeIndex = 2
	funcdataInlTree    = 3
	inlinedCallSize    = 16
)

// inliner maps the pcs of one function to the functions inlined there,
// from the function's inline tree (FUNCDATA_InlTree) and its inline index
// table (PCDATA_InlTreeIndex).
type inliner struct {
	a     *analysis
	entry uint64
	pkg   string   // the function's own package
	runs  []inlRun // pc runs with an inline index, sorted
	nodes map[int32]inlNode
	tree  uint64 // address of the inline tree
	names map[uint32]string
}

type inlRun struct {
	start, end uint64
	val        int32
}

// inlNode is one runtime.inlinedCall: the package of the inlined function
// and the pc offset of its call site in the parent.
type inlNode struct {
	pkg      string
	parentPc uint32
	ok       bool
}

// load prepares the inliner for fn, whose own package is pkg.
func (in *inliner) load(fn *fn, pkg string) {
	in.entry, in.pkg, in.runs = fn.entry, pkg, in.runs[:0]
	clear(in.nodes)
	md := in.a.md
	if md == nil || fn.ntables() <= 3+pcdataInlTreeIndex || fn.nfuncdata <= funcdataInlTree {
		return
	}
	tree := in.a.tab.funcdata(fn, funcdataInlTree)
	if tree == ^uint32(0) {
		return
	}
	in.tree = md.gofunc + uint64(tree)
	in.a.tab.pcValues(in.a.tab.table(fn, 3+pcdataInlTreeIndex), fn.entry, func(start, end uint64, val int32) {
		if val >= 0 && val < 1<<20 {
			in.runs = append(in.runs, inlRun{start, end, val})
		}
	})
}

// valAt returns the inline index at pc, -1 outside inlined code.
func (in *inliner) valAt(pc uint64) int32 {
	i := sort.Search(len(in.runs), func(i int) bool { return in.runs[i].end > pc })
	if i < len(in.runs) && pc >= in.runs[i].start {
		return in.runs[i].val
	}
	return -1
}

// node decodes inline tree entry val.
func (in *inliner) node(val int32) inlNode {
	if n, ok := in.nodes[val]; ok {
		return n
	}
	var n inlNode
	if b, ok := in.a.f.bytesAt(in.tree+uint64(val)*inlinedCallSize, inlinedCallSize); ok {
		nameOff := binary.LittleEndian.Uint32(b[4:])
		p, ok := in.names[nameOff]
		if !ok {
			p = pkgOfSymbol(in.a.tab.funcName(nameOff), in.a.mods)
			in.names[nameOff] = p
		}
		n = inlNode{pkg: p, parentPc: binary.LittleEndian.Uint32(b[8:]), ok: true}
	}
	if in.nodes == nil {
		in.nodes = map[int32]inlNode{}
	}
	in.nodes[val] = n
	return n
}

// pkgAt returns the package of the innermost function whose code is at pc.
func (in *inliner) pkgAt(pc uint64) string {
	if val := in.valAt(pc); val >= 0 {
		if n := in.node(val); n.ok && n.pkg != "" {
			return n.pkg
		}
	}
	return in.pkg
}

// callerAt returns the package that calls into package callee at pc: the
// innermost function on the inline stack at pc that is not of callee. A
// call made by fmt.Printf inlined into main.main is a use by main.
func (in *inliner) callerAt(pc uint64, callee string) string {
	val := in.valAt(pc)
	for range 64 {
		if val < 0 {
			return in.pkg
		}
		n := in.node(val)
		if !n.ok {
			return in.pkg
		}
		if n.pkg != "" && n.pkg != callee {
			return n.pkg
		}
		val = in.valAt(in.entry + uint64(n.parentPc))
	}
	return in.pkg
}
