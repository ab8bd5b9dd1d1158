package exe

import (
	"encoding/binary"
	"slices"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"
)

// The reflect functions whose callers, when the argument is not a constant
// method name, make the linker keep every exported method of every
// reachable type. The compiler marks the callers (not these functions);
// the linker gives up when a marked function is reachable.
var reflectMethodFuncs = map[string]bool{
	"reflect.Value.Method":          true,
	"reflect.Value.MethodByName":    true,
	"reflect.(*rtype).Method":       true,
	"reflect.(*rtype).MethodByName": true,
	"reflect.(*Value).Method":       true, // pointer wrappers, called through method tables
	"reflect.(*Value).MethodByName": true,
}

// maxChain bounds the length of a call chain searched in the call graph.
const maxChain = 64

// methodEntry is one entry of an uncommon type's method table.
type methodEntry struct {
	typ      *rtype
	name     string
	exported bool
	ifn, tfn int // function indexes, -1 when the linker dropped the method
	dropped  bool
}

// methodTables decodes the method arrays of the walked types.
func (a *analysis) methodTables() []methodEntry {
	w, md := a.types, a.md
	if w == nil || md == nil {
		return nil
	}
	addrs := make([]uint64, 0, len(w.types))
	for addr, t := range w.types {
		if t != nil && t.mcount > 0 {
			addrs = append(addrs, addr)
		}
	}
	radixSort(addrs)
	fnAt := func(off uint32) int {
		if off == ^uint32(0) {
			return -1
		}
		j := a.funcAt(md.text + uint64(off))
		if j < 0 || a.tab.funcs[j].entry != md.text+uint64(off) {
			return -1
		}
		return j
	}
	var out []methodEntry
	for _, addr := range addrs {
		t := w.types[addr]
		data, ok := a.f.bytesAt(t.mtab, t.mcount*16)
		if !ok {
			continue
		}
		for i := uint64(0); i < t.mcount; i++ {
			e := data[i*16:]
			name, ok := w.name(md.types + uint64(binary.LittleEndian.Uint32(e)))
			if !ok {
				continue
			}
			r, _ := utf8.DecodeRuneInString(name)
			ifnOff, tfnOff := binary.LittleEndian.Uint32(e[8:]), binary.LittleEndian.Uint32(e[12:])
			out = append(out, methodEntry{typ: t, name: name, exported: unicode.IsUpper(r),
				ifn: fnAt(ifnOff), tfn: fnAt(tfnOff), dropped: ifnOff == ^uint32(0) && tfnOff == ^uint32(0)})
		}
	}
	return out
}

// itabFuncs returns the functions the itabs point to.
func (a *analysis) itabFuncs() map[int]bool {
	out := map[int]bool{}
	if a.md == nil || a.types == nil {
		return out
	}
	ps := uint64(a.f.arch.ptrSize)
	hdr := 2*ps + 8
	if ps == 4 {
		hdr = 2*ps + 4
	}
	for _, it := range a.f.itabAddrs(a.md) {
		b, ok := a.f.bytesAt(it, ps)
		if !ok {
			continue
		}
		inter := a.types.types[a.f.arch.word(b)]
		if inter == nil || inter.nmeth == 0 || inter.nmeth > 1<<12 {
			continue
		}
		fns, ok := a.f.bytesAt(it+hdr, inter.nmeth*ps)
		if !ok {
			continue
		}
		for k := uint64(0); k < inter.nmeth; k++ {
			if j := a.funcAt(a.f.arch.word(fns[k*ps:])); j >= 0 {
				out[j] = true
			}
		}
	}
	return out
}

// itabTypes returns the concrete types of the itabs: types converted to
// an interface, whose methods the linker treats as callable.
func (a *analysis) itabTypes() map[uint64]bool {
	out := map[uint64]bool{}
	if a.md == nil {
		return out
	}
	ps := uint64(a.f.arch.ptrSize)
	hdr := 2*ps + 8
	if ps == 4 {
		hdr = 2*ps + 4
	}
	for _, it := range a.f.itabAddrs(a.md) {
		b, ok := a.f.bytesAt(it, hdr+ps)
		if !ok {
			continue
		}
		// An itab the linker kept without its methods points to
		// runtime.unreachableMethod: its type is not used in an interface.
		if j := a.funcAt(a.f.arch.word(b[hdr:])); j >= 0 && a.tab.funcs[j].name == "runtime.unreachableMethod" {
			continue
		}
		out[a.f.arch.word(b[ps:])] = true
	}
	return out
}

// callGraph is the direct call graph with its roots.
type callGraph struct {
	a       *analysis
	callees [][]int32
}

func (a *analysis) callGraph() *callGraph {
	g := &callGraph{a: a}
	if a.calls != nil {
		g.callees = a.calls.callees
	}
	if g.callees == nil {
		g.callees = make([][]int32, len(a.tab.funcs))
	}
	return g
}

// bfs returns the parent of each function reached from the roots through
// direct calls (-1 for a root, -2 when not reached), in breadth-first
// order, so that each chain it gives is a shortest one.
func (g *callGraph) bfs(roots []int) []int32 {
	parent := make([]int32, len(g.callees))
	for i := range parent {
		parent[i] = -2
	}
	var queue []int32
	for _, r := range roots {
		if r >= 0 && parent[r] == -2 {
			parent[r] = -1
			queue = append(queue, int32(r))
		}
	}
	for len(queue) > 0 {
		i := queue[0]
		queue = queue[1:]
		for _, j := range g.callees[i] {
			if parent[j] == -2 {
				parent[j] = i
				queue = append(queue, j)
			}
		}
	}
	return parent
}

// chain returns the function names from the root to i along parent.
func (g *callGraph) chain(parent []int32, i int) []string {
	var out []string
	for k := int32(i); k >= 0 && len(out) < maxChain; k = parent[k] {
		out = append(out, g.a.tab.funcs[k].name)
	}
	slices.Reverse(out)
	return out
}

// funcIndex returns the index of the function named name, or -1.
func (a *analysis) funcIndex(name string) int {
	for i := range a.tab.funcs {
		if a.tab.funcs[i].name == name {
			return i
		}
	}
	return -1
}

// funcBytes is what a function costs in the file: its code, its _func
// with the pc-value tables it points to, its name and its function table
// entry. Tables shared with other functions are counted once per user.
func (a *analysis) funcBytes(i int) int64 {
	t := a.tab
	fn := &t.funcs[i]
	n := int64(fn.end-fn.entry) + int64(fn.funcLen) + int64(len(fn.name)) + 1 + 8
	tab := t.pctab()
	for k := 0; k < fn.ntables(); k++ {
		if off := t.table(fn, k); off != 0 {
			n += int64(tableLen(tab, off))
		}
	}
	return n
}

// funcdataSizes returns a function giving the bytes of go:func.* a
// function's funcdata (stack maps, argument info) take: each one extends to
// the next one.
func (a *analysis) funcdataSizes() func(i int) int64 {
	t := a.tab
	var offs []uint32
	for i := range t.funcs {
		fn := &t.funcs[i]
		for j := range int(fn.nfuncdata) {
			if off := t.funcdata(fn, j); off != ^uint32(0) {
				offs = append(offs, off)
			}
		}
	}
	slices.Sort(offs)
	offs = slices.Compact(offs)
	return func(i int) int64 {
		fn := &t.funcs[i]
		var n int64
		for j := range int(fn.nfuncdata) {
			off := t.funcdata(fn, j)
			if k, ok := slices.BinarySearch(offs, off); ok && k+1 < len(offs) {
				n += int64(offs[k+1] - off)
			}
		}
		return n
	}
}

// The estimate counts the code, pcln tables and funcdata of the functions
// kept only for reflection (MethodCost.CodeBytes), then adds the type
// descriptors and data they bring in as a share of it: methodDataFactor.
// The real saving was 1.18 (crane), 1.51 (reflectmethod, amd64) and 1.59
// (arm64) times CodeBytes: 1.3 ± 25 % covers them (TestMethodDeadCodeCost,
// docs/analyze.md).
const (
	methodDataFactor = 1.3
	methodCostError  = 0.25
)

// methodDeadCode decides from the method tables whether the linker's method
// dead-code elimination was disabled, finds the reflect callers in the call
// graph and estimates the cost.
func (a *analysis) methodDeadCode() *MethodDeadCode {
	ms := a.methodTables()
	if a.types == nil {
		return nil
	}
	m := &MethodDeadCode{}
	g := a.callGraph()
	called := make([]bool, len(g.callees))
	for _, cs := range g.callees {
		for _, j := range cs {
			called[j] = true
		}
	}
	inItab := a.itabFuncs()
	itabTypes := a.itabTypes()
	ifaceNames := a.interfaceMethodNames()
	tables := map[*rtype]bool{}
	explained := func(j int) bool { return j >= 0 && (called[j] || inItab[j]) }
	for _, e := range ms {
		tables[e.typ] = true
		switch {
		case e.exported && e.dropped:
			m.ExportedDropped++
			if itabTypes[e.typ.addr] {
				m.IfaceDropped++
			}
		case e.exported:
			m.ExportedKept++
			if !ifaceNames[e.name] && !explained(e.ifn) && !explained(e.tfn) {
				m.TableOnly++
			}
		case e.dropped:
			m.UnexportedDropped++
		}
	}
	m.Types = len(tables)
	for addr := range itabTypes {
		if t := a.types.types[addr]; t != nil && t.mcount > 0 {
			m.IfaceTypes++
		}
	}
	// Disabled: no exported method of a type converted to an interface was
	// dropped, and methods were kept that nothing but reflection can call.
	m.Disabled = m.IfaceDropped == 0 && m.TableOnly > 0

	// From main.main first, then from the package initialisers the
	// runtime runs before it.
	roots := []int{a.funcIndex("main.main")}
	for i := range a.tab.funcs {
		if n := a.tab.funcs[i].name; strings.HasSuffix(n, ".init") && n == funcPackage(n)+".init" {
			roots = append(roots, i)
		}
	}
	parent := g.bfs(roots)
	a.heavyChains(parent)

	// The callers of the reflect functions, through direct calls.
	targets := map[int32]string{}
	for i := range a.tab.funcs {
		if reflectMethodFuncs[a.tab.funcs[i].name] {
			targets[int32(i)] = a.tab.funcs[i].name
		}
	}
	for i, cs := range g.callees {
		name := a.tab.funcs[i].name
		if reflectMethodFuncs[name] || strings.HasPrefix(name, "reflect.(*interfaceType).") {
			continue
		}
		for _, j := range cs {
			target, ok := targets[j]
			if !ok {
				continue
			}
			c := ReflectCause{Function: name, Calls: target, Source: SourceCallGraph}
			if parent[i] != -2 {
				c.Chain = append(g.chain(parent, i), target)
				c.Certain = true
				c.Packages = chainPackages(c.Chain)
			}
			switch {
			case !m.Disabled && strings.HasSuffix(target, "MethodByName"):
				// The elimination is on: a constant name (Go ≥ 1.22).
				m.ConstantCallers = append(m.ConstantCallers, c)
			case !m.Disabled:
				// Unreachable in the linker's view or a dropped caller:
				// nothing it calls was kept for reflection.
			case c.Certain:
				m.Causes = append(m.Causes, c)
			default:
				m.MayAlso++
				m.MayAlsoCallers = append(m.MayAlsoCallers, c.Function)
			}
		}
	}
	sortCauses(m.Causes)
	sortCauses(m.ConstantCallers)
	slices.Sort(m.MayAlsoCallers)
	m.MayAlsoCallers = slices.Compact(m.MayAlsoCallers)
	m.MayAlso = len(m.MayAlsoCallers)
	if len(m.MayAlsoCallers) > maxMayAlso {
		m.MayAlsoCallers = m.MayAlsoCallers[:maxMayAlso]
	}
	if m.Disabled {
		m.EstimatedCost = a.methodCost(ms, g, inItab, ifaceNames)
	}
	return m
}

// maxMayAlso is how many of the other reflect callers a report names.
const maxMayAlso = 10

func sortCauses(cs []ReflectCause) {
	sort.Slice(cs, func(i, j int) bool {
		if len(cs[i].Chain) != len(cs[j].Chain) {
			return len(cs[i].Chain) < len(cs[j].Chain)
		}
		return cs[i].Function < cs[j].Function
	})
}

// chainPackages returns the packages on a chain, in order, without main,
// the runtime and reflect: the code to change is among them.
func chainPackages(chain []string) []string {
	var out []string
	for _, fn := range chain {
		p := funcPackage(fn)
		if p == "" || p == "main" || p == "reflect" || p == "runtime" || strings.HasPrefix(p, "go:") || strings.HasPrefix(p, "type:") || slices.Contains(out, p) {
			continue
		}
		out = append(out, p)
	}
	return out
}

// funcPackage returns the import path of a function symbol name:
// "text/template.(*state).evalField" → "text/template".
func funcPackage(name string) string {
	slash := strings.LastIndexByte(name, '/')
	dot := strings.IndexByte(name[slash+1:], '.')
	if dot < 0 {
		return ""
	}
	return name[:slash+1+dot]
}

// methodCost estimates what the disabled elimination costs: the functions
// reachable only from exported methods that nothing but a method table
// points to (no direct caller, not in an itab).
func (a *analysis) methodCost(ms []methodEntry, g *callGraph, inItab map[int]bool, ifaceNames map[string]bool) *MethodCost {
	called := make([]bool, len(g.callees))
	for _, cs := range g.callees {
		for _, j := range cs {
			called[j] = true
		}
	}
	onlyTable := map[int]bool{}
	for _, e := range ms {
		// A method an interface names may be kept with the elimination
		// on: it does not count.
		if !e.exported || e.dropped || ifaceNames[e.name] {
			continue
		}
		for _, j := range []int{e.ifn, e.tfn} {
			if j >= 0 && !inItab[j] {
				onlyTable[j] = true
			}
		}
	}
	// Live: reached from any function that has no direct caller (entered
	// through the runtime, an itab, a function value or an assembly stub),
	// except the method-table-only methods.
	live := make([]bool, len(g.callees))
	var stack []int32
	for i := range g.callees {
		if !called[i] && !onlyTable[i] {
			live[i] = true
			stack = append(stack, int32(i))
		}
	}
	for len(stack) > 0 {
		i := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		for _, j := range g.callees[i] {
			if !live[j] && !onlyTable[int(j)] {
				live[j] = true
				stack = append(stack, j)
			}
		}
	}
	c := &MethodCost{Error: methodCostError}
	byPkg := map[string]int64{}
	fd := a.funcdataSizes()
	for i := range live {
		if live[i] {
			continue
		}
		n := a.funcBytes(i) + fd(i)
		c.CodeBytes += n
		c.Funcs++
		if onlyTable[i] {
			c.Methods++
		}
		if p := a.funcPkg[i]; p != "" {
			byPkg[p] += n
		}
	}
	c.Bytes = int64(float64(c.CodeBytes) * methodDataFactor)
	a.reflectOnly = byPkg
	return c
}

// heavyChainPackages is how many of the largest packages get the shortest
// call chain from main.main.
const heavyChainPackages = 10

// heavyChains records, per package, the end of the shortest chain of
// direct calls from main.main (or a package initialiser) into it.
func (a *analysis) heavyChains(parent []int32) {
	depth := make([]int32, len(parent))
	// parent links point to functions found earlier in breadth-first
	// order, so a chain's depth is its parent's plus one: compute it by
	// memoised walks.
	var depthOf func(i int32) int32
	depthOf = func(i int32) int32 {
		if depth[i] != 0 || parent[i] < 0 {
			return depth[i]
		}
		depth[i] = -1 // guard against a malformed cycle
		d := depthOf(parent[i]) + 1
		depth[i] = d
		return d
	}
	first := map[string]int{}
	for i, p := range parent {
		if p == -2 {
			continue
		}
		pkg := a.funcPkg[i]
		if pkg == "" || pkg == "main" {
			continue
		}
		d := depthOf(int32(i))
		if j, ok := first[pkg]; !ok || d < depth[j] || d == depth[j] && a.tab.funcs[i].name < a.tab.funcs[j].name {
			first[pkg] = i
		}
	}
	a.chainFuncs, a.chainParent = first, parent
}

// applyMethodDeadCode sets, on the largest packages of r, the shortest
// call chain and the bytes kept only for reflection.
func (a *analysis) applyMethodDeadCode(r *Report) {
	for k := range r.Packages {
		p := &r.Packages[k]
		p.ReflectOnly = min(a.reflectOnly[p.Path], p.Code+p.Pcln)
		if i, ok := a.chainFuncs[p.Path]; ok && k < heavyChainPackages {
			p.CallChain = (&callGraph{a: a}).chain(a.chainParent, i)
		}
	}
}

// interfaceMethodNames returns the names of the methods of the interface
// types in the binary: the linker keeps a method whose name an interface
// call may reach.
func (a *analysis) interfaceMethodNames() map[string]bool {
	out := map[string]bool{}
	w, md := a.types, a.md
	if w == nil {
		return out
	}
	for _, t := range w.types {
		if t == nil || t.kind != kindInterface || t.nmeth == 0 || t.nmeth > 1<<12 {
			continue
		}
		data, ok := a.f.bytesAt(t.imtab, t.nmeth*8)
		if !ok {
			continue
		}
		for k := uint64(0); k < t.nmeth; k++ {
			if n, ok := w.name(md.types + uint64(binary.LittleEndian.Uint32(data[k*8:]))); ok {
				out[n] = true
			}
		}
	}
	return out
}
