package exe

import "encoding/binary"

// Type kinds and flags of internal/abi.
const (
	kindArray     = 17
	kindChan      = 18
	kindFunc      = 19
	kindInterface = 20
	kindMap       = 21
	kindPointer   = 22
	kindSlice     = 23
	kindStruct    = 25
	kindMax       = 26

	tflagUncommon = 1 << 0
	tflagNamed    = 1 << 2
)

// rtype is a decoded runtime type descriptor.
type rtype struct {
	addr   uint64
	kind   byte
	named  bool
	pkg    string      // import path of a named type, "" otherwise
	pieces [][2]uint64 // address ranges of the descriptor and its arrays
	refs   []uint64    // types it refers to
	names  []uint64    // addresses of the names it refers to
	owner  int32
	users  users
	nmeth  uint64 // interface methods
	mtab   uint64 // address of the uncommon type's method array
	mcount uint64 // its length
	imtab  uint64 // address of an interface type's Imethod array (nmeth long)
}

// typeWalker decodes the type descriptors reachable from a set of roots.
type typeWalker struct {
	a     *analysis
	types map[uint64]*rtype
	queue []uint64
	arena typeArena
}

// typesLayer attributes the runtime type descriptors, their names, the
// itabs and the .typelink/.itablink entries. Named types belong to their
// package, pointers to named types to the same package, other unnamed
// types and names to the packages of the types that use them.
func (a *analysis) typesLayer() []claim {
	w := a.walkTypes()
	if w == nil {
		return nil
	}
	a.types = w
	return w.claims(a.f.itabAddrs(a.md))
}

// walkTypes decodes the types reachable from .typelink, .itablink and the
// code references; it returns nil without moduledata.
func (a *analysis) walkTypes() *typeWalker {
	md := a.md
	if md == nil || md.etypes <= md.types {
		return nil
	}
	w := &typeWalker{a: a, types: map[uint64]*rtype{}}
	for _, off := range a.f.typelinkOffsets(md) {
		w.push(md.types + uint64(off))
	}
	itabs := a.f.itabAddrs(md)
	ps := uint64(a.f.arch.ptrSize)
	for _, it := range itabs {
		if b, ok := a.f.bytesAt(it, 2*ps); ok {
			w.push(a.f.arch.word(b))
			w.push(a.f.arch.word(b[ps:]))
		}
	}
	for _, addr := range a.typeRoots {
		w.push(addr)
	}
	w.run()
	return w
}

func (w *typeWalker) push(addr uint64) {
	if addr == 0 {
		return
	}
	if _, ok := w.types[addr]; ok {
		return
	}
	w.types[addr] = nil
	w.queue = append(w.queue, addr)
}

func (w *typeWalker) run() {
	for len(w.queue) > 0 {
		addr := w.queue[len(w.queue)-1]
		w.queue = w.queue[:len(w.queue)-1]
		t := w.decode(addr)
		if t == nil {
			delete(w.types, addr)
			continue
		}
		w.types[addr] = t
		for _, r := range t.refs {
			w.push(r)
		}
	}
}

// decode reads the descriptor at addr, or returns nil when it is not a
// plausible type.
func (w *typeWalker) decode(addr uint64) *rtype {
	f, md := w.a.f, w.a.md
	ps := uint64(f.arch.ptrSize)
	hdr := 4*ps + 16
	if addr < md.types || addr >= md.etypes || addr%4 != 0 {
		return nil
	}
	b, ok := f.bytesAt(addr, hdr)
	if !ok {
		return nil
	}
	size, ptrBytes := f.arch.word(b), f.arch.word(b[ps:])
	tflag, align, fieldAlign, kind := b[2*ps+4], b[2*ps+5], b[2*ps+6], b[2*ps+7]&0x1f
	str := binary.LittleEndian.Uint32(b[4*ps+8:])
	ptrToThis := binary.LittleEndian.Uint32(b[4*ps+12:])
	if kind == 0 || kind > kindMax || ptrBytes > size || !pow2(align) || !pow2(fieldAlign) {
		return nil
	}
	if _, _, ok := w.nameBytes(md.types + uint64(str)); !ok {
		return nil
	}
	t := w.arena.scratch()
	*t = rtype{addr: addr, kind: kind, named: tflag&tflagNamed != 0,
		pieces: t.pieces[:0], refs: t.refs[:0], names: t.names[:0]}
	t.names = append(t.names, md.types+uint64(str))
	if ptrToThis != 0 && ptrToThis != ^uint32(0) {
		t.refs = append(t.refs, md.types+uint64(ptrToThis))
	}
	word := func(i uint64) uint64 {
		x, ok := f.bytesAt(addr+hdr+i*ps, ps)
		if !ok {
			return 0
		}
		return f.arch.word(x)
	}
	var extra uint64
	arrays := w.arena.arrays[:0] // address, count, element size
	defer func() { w.arena.arrays = arrays }()
	switch kind {
	case kindArray:
		extra = 3 * ps
		t.refs = append(t.refs, word(0), word(1))
	case kindChan:
		extra = 2 * ps
		t.refs = append(t.refs, word(0))
	case kindFunc:
		extra = (4 + ps - 1) &^ (ps - 1)
	case kindInterface:
		extra = 4 * ps
		if p := word(0); p != 0 {
			t.names = append(t.names, p)
		}
		arrays = append(arrays, [3]uint64{word(1), word(2), 8})
		t.nmeth, t.imtab = word(2), word(1)
	case kindMap:
		extra = (7*ps + 4 + ps - 1) &^ (ps - 1)
		t.refs = append(t.refs, word(0), word(1), word(2))
	case kindPointer, kindSlice:
		extra = ps
		t.refs = append(t.refs, word(0))
	case kindStruct:
		extra = 4 * ps
		if p := word(0); p != 0 {
			t.names = append(t.names, p)
		}
		arrays = append(arrays, [3]uint64{word(1), word(2), 3 * ps})
	}
	end := addr + hdr + extra
	var ut []byte
	if tflag&tflagUncommon != 0 {
		if ut, ok = f.bytesAt(end, 16); !ok {
			return nil
		}
		pkgPath := binary.LittleEndian.Uint32(ut)
		if pkgPath != 0 {
			t.names = append(t.names, md.types+uint64(pkgPath))
			if n, _, ok := w.nameBytes(md.types + uint64(pkgPath)); ok {
				t.pkg = w.arena.intern(n)
			}
		}
		mcount, moff := uint64(binary.LittleEndian.Uint16(ut[4:])), uint64(binary.LittleEndian.Uint32(ut[8:]))
		if mcount > 0 {
			arrays = append(arrays, [3]uint64{end + moff, mcount, 16})
			t.mtab, t.mcount = end+moff, mcount
		}
		end += 16
	}
	if kind == kindFunc {
		fb, _ := f.bytesAt(addr+hdr, 4)
		if len(fb) == 4 {
			n := uint64(binary.LittleEndian.Uint16(fb)) + uint64(binary.LittleEndian.Uint16(fb[2:])&0x7fff)
			arrays = append(arrays, [3]uint64{end, n, ps})
		}
	}
	t.pieces = append(t.pieces, [2]uint64{addr, end})
	for _, arr := range arrays {
		p, n, es := arr[0], arr[1], arr[2]
		if p == 0 || n == 0 || n > 1<<16 {
			continue
		}
		data, ok := f.bytesAt(p, n*es)
		if !ok || p < md.types || p+n*es > md.etypes {
			continue
		}
		t.pieces = append(t.pieces, [2]uint64{p, p + n*es})
		for i := uint64(0); i < n; i++ {
			e := data[i*es:]
			switch {
			case es == 8: // Imethod{Name, Typ}
				t.names = append(t.names, md.types+uint64(binary.LittleEndian.Uint32(e)))
				t.refs = append(t.refs, md.types+uint64(binary.LittleEndian.Uint32(e[4:])))
			case es == 16: // Method{Name, Mtyp, Ifn, Tfn}
				t.names = append(t.names, md.types+uint64(binary.LittleEndian.Uint32(e)))
				if mt := binary.LittleEndian.Uint32(e[4:]); mt != ^uint32(0) {
					t.refs = append(t.refs, md.types+uint64(mt))
				}
			case es == ps: // func parameter
				t.refs = append(t.refs, f.arch.word(e))
			default: // StructField{Name, Typ, Offset}
				t.names = append(t.names, f.arch.word(e))
				t.refs = append(t.refs, f.arch.word(e[ps:]))
			}
		}
	}
	return w.arena.keep(t)
}

func pow2(x byte) bool { return x != 0 && x&(x-1) == 0 }

// name decodes the abi.Name at addr; ok is false when it is malformed.
func (w *typeWalker) name(addr uint64) (string, bool) {
	text, _, ok := w.nameBytes(addr)
	if !ok {
		return "", false
	}
	return string(text), true
}

// nameBytes returns the text of the name at addr and its encoded length.
func (w *typeWalker) nameBytes(addr uint64) (text []byte, total uint64, ok bool) {
	md := w.a.md
	if addr < md.types || addr >= md.etypes {
		return nil, 0, false
	}
	b, ok := w.a.f.bytesAt(addr, min(md.etypes-addr, 1<<16))
	if !ok || len(b) < 2 || b[0]&^0xf != 0 {
		return nil, 0, false
	}
	n, k := binary.Uvarint(b[1:])
	if k <= 0 || n > uint64(len(b)-1-k) {
		return nil, 0, false
	}
	text = b[1+k : 1+k+int(n)]
	total = 1 + uint64(k) + n
	if b[0]&2 != 0 { // tag
		tn, tk := binary.Uvarint(b[total:])
		if tk <= 0 || tn > uint64(len(b))-total-uint64(tk) {
			return nil, 0, false
		}
		total += uint64(tk) + tn
	}
	if b[0]&4 != 0 { // package path offset
		total += 4
	}
	if total > uint64(len(b)) {
		return nil, 0, false
	}
	return text, total, true
}

// claims assigns owners: named types to their package, then unnamed types
// to the packages of the types and code that use them.
func (w *typeWalker) claims(itabs []uint64) []claim {
	a := w.a
	addrs := make([]uint64, 0, len(w.types))
	for addr, t := range w.types {
		if t != nil {
			addrs = append(addrs, addr)
		}
	}
	radixSort(addrs)
	// ts[i] is the type at addrs[i], looked up once for the loops below.
	ts := make([]*rtype, len(addrs))
	for i, addr := range addrs {
		ts[i] = w.types[addr]
	}
	for i, addr := range addrs {
		t := ts[i]
		if t.named && t.pkg != "" {
			// A named type belongs to its package, whoever uses it.
			t.users.add(t.pkg, a.mods.module(t.pkg))
			continue
		}
		for _, u := range a.typeUsers[addr] {
			t.users.add(u, a.mods.module(u))
		}
	}
	// Unnamed types inherit the users of the types that refer to them,
	// until nothing changes (bounded: the graph is finite).
	for changed, round := true, 0; changed && round < 8; round++ {
		changed = false
		for _, t := range ts {
			if t.users.n == 0 {
				continue
			}
			for _, r := range t.refs {
				c := w.types[r]
				if c == nil || (c.named && c.pkg != "") || (t.users.multi && c.users.multi) {
					continue
				}
				before := c.users
				c.users.merge(&t.users)
				if !c.users.sameOwner(before) {
					changed = true
				}
			}
		}
	}
	var cs []claim
	nameUsers := map[uint64]*users{}
	for _, t := range ts {
		t.owner = a.ownerOf(&t.users, bucketTypes)
		for _, p := range t.pieces {
			if c, ok := a.fileClaim(p[0], p[1]-p[0], t.owner, ClassData); ok {
				cs = append(cs, c)
			}
		}
		for _, n := range t.names {
			u := nameUsers[n]
			if u == nil {
				u = &users{}
				nameUsers[n] = u
			}
			u.merge(&t.users)
		}
	}
	nameAddrs := make([]uint64, 0, len(nameUsers))
	for addr := range nameUsers {
		nameAddrs = append(nameAddrs, addr)
	}
	radixSort(nameAddrs)
	for _, addr := range nameAddrs {
		u := nameUsers[addr]
		if _, n, ok := w.nameBytes(addr); ok {
			if c, ok := a.fileClaim(addr, n, a.ownerOf(u, bucketTypes), ClassData); ok {
				cs = append(cs, c)
			}
		}
	}
	cs = append(cs, w.linkClaims(itabs)...)
	return cs
}

// linkClaims attributes the itabs and the .typelink and .itablink entries
// to the owners of their types.
func (w *typeWalker) linkClaims(itabs []uint64) []claim {
	a, md := w.a, w.a.md
	ps := uint64(a.f.arch.ptrSize)
	var cs []claim
	for i, off := range a.f.typelinkOffsets(md) {
		if t := w.types[md.types+uint64(off)]; t != nil {
			if c, ok := a.fileClaim(md.typelinks[0]+uint64(i)*4, 4, t.owner, ClassData); ok {
				cs = append(cs, c)
			}
		}
	}
	for i, it := range itabs {
		b, ok := a.f.bytesAt(it, 2*ps)
		if !ok {
			continue
		}
		inter, typ := w.types[a.f.arch.word(b)], w.types[a.f.arch.word(b[ps:])]
		if inter == nil || typ == nil {
			continue
		}
		if c, ok := a.fileClaim(md.itablinks[0]+uint64(i)*ps, ps, typ.owner, ClassData); ok {
			cs = append(cs, c)
		}
		size := 2*ps + 8 + ps*max(1, inter.nmeth)
		if ps == 4 {
			size = 2*ps + 4 + ps*max(1, inter.nmeth)
		}
		if c, ok := a.fileClaim(it, size, typ.owner, ClassData); ok {
			cs = append(cs, c)
		}
	}
	return cs
}
