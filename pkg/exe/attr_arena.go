package exe

// typeArena allocates the decoded type descriptors of a typeWalker in
// blocks: a descriptor is decoded into a scratch value whose slices are
// reused, and only a plausible one is copied out, its slices carved from
// shared backing arrays. The descriptors are read-only once kept.
type typeArena struct {
	tmp    rtype
	arrays [][3]uint64
	types  []rtype
	u64    []uint64
	pieces [][2]uint64
	pkgs   map[string]string
}

const typeArenaBlock = 1024

// scratch returns the value to decode into; its slices keep their
// capacity from the previous decode.
func (a *typeArena) scratch() *rtype { return &a.tmp }

// keep copies the scratch descriptor t into the arena and returns the
// copy.
func (a *typeArena) keep(t *rtype) *rtype {
	if len(a.types) == cap(a.types) {
		a.types = make([]rtype, 0, typeArenaBlock)
	}
	a.types = append(a.types, *t)
	k := &a.types[len(a.types)-1]
	k.refs = a.copyU64(t.refs)
	k.names = a.copyU64(t.names)
	if n := len(t.pieces); n > 0 {
		if cap(a.pieces)-len(a.pieces) < n {
			a.pieces = make([][2]uint64, 0, max(n, 4*typeArenaBlock))
		}
		a.pieces = append(a.pieces, t.pieces...)
		k.pieces = a.pieces[len(a.pieces)-n : len(a.pieces) : len(a.pieces)]
	} else {
		k.pieces = nil
	}
	return k
}

func (a *typeArena) copyU64(s []uint64) []uint64 {
	n := len(s)
	if n == 0 {
		return nil
	}
	if cap(a.u64)-len(a.u64) < n {
		a.u64 = make([]uint64, 0, max(n, 16*typeArenaBlock))
	}
	a.u64 = append(a.u64, s...)
	return a.u64[len(a.u64)-n : len(a.u64) : len(a.u64)]
}

// intern returns b as a string, one allocation per distinct value.
func (a *typeArena) intern(b []byte) string {
	if s, ok := a.pkgs[string(b)]; ok {
		return s
	}
	if a.pkgs == nil {
		a.pkgs = map[string]string{}
	}
	s := string(b)
	a.pkgs[s] = s
	return s
}
