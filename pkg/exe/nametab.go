package exe

import "strings"

// nameTable is a table of NUL-terminated names copied once into a single
// string, so that each name is a substring of it rather than an
// allocation of its own.
type nameTable struct {
	s     string
	built bool
}

// newNameTable copies tab.
func newNameTable(tab []byte) nameTable {
	return nameTable{s: string(tab), built: true}
}

// at returns the name at off: up to the next NUL or the end of the
// table, "" when off is out of range.
func (t nameTable) at(off uint32) string {
	if uint64(off) >= uint64(len(t.s)) {
		return ""
	}
	s := t.s[off:]
	if i := strings.IndexByte(s, 0); i >= 0 {
		s = s[:i]
	}
	return s
}
