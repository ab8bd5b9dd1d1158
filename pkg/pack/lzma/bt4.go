package lzma

import "hash/crc32"

// crcTable spreads byte values over the hash tables.
var crcTable = crc32.MakeTable(crc32.IEEE)

const (
	hash2Size = 1 << 10
	hash3Size = 1 << 16
)

// bt4 is a binary-tree match finder with 2-, 3- and 4-byte hashes over the
// whole input: the dictionary covers everything already seen. Nodes are
// indexed by input position; a stored value is a position plus one, zero
// meaning none.
type bt4 struct {
	buf      []byte
	hash2    []uint32
	hash3    []uint32
	hash4    []uint32
	hashMask uint32
	son      [][2]uint32 // smaller and larger subtrees of each position
	nice     int
	depth    int
}

func newBT4(buf []byte, nice, depth int) *bt4 {
	hs := uint32(len(buf) - 1)
	if len(buf) == 0 {
		hs = 0
	}
	hs |= hs >> 1
	hs |= hs >> 2
	hs |= hs >> 4
	hs |= hs >> 8
	hs |= hs >> 16
	hs >>= 1
	hs |= 0xFFFF
	if hs > 1<<24 {
		hs >>= 1
	}
	return &bt4{
		buf:      buf,
		hash2:    make([]uint32, hash2Size),
		hash3:    make([]uint32, hash3Size),
		hash4:    make([]uint32, hs+1),
		hashMask: hs,
		son:      make([][2]uint32, len(buf)),
		nice:     nice,
		depth:    depth,
	}
}

// find inserts position pos into the tree and appends to out the matches
// found there as (length, distance-1) pairs of strictly increasing length,
// the longest limited to the nice length.
func (mf *bt4) find(pos int, out []uint32) []uint32 {
	buf := mf.buf
	lenLimit := mf.nice
	if avail := len(buf) - pos; avail < lenLimit {
		lenLimit = avail
		if lenLimit < 4 {
			return out
		}
	}
	cur := buf[pos : pos+lenLimit]
	temp := crcTable[cur[0]] ^ uint32(cur[1])
	h2 := temp & (hash2Size - 1)
	temp ^= uint32(cur[2]) << 8
	h3 := temp & (hash3Size - 1)
	h4 := (temp ^ crcTable[cur[3]]<<5) & mf.hashMask
	p1 := uint32(pos + 1)
	m2 := mf.hash2[h2]
	m3 := mf.hash3[h3]
	curMatch := mf.hash4[h4]
	mf.hash2[h2] = p1
	mf.hash3[h3] = p1
	mf.hash4[h4] = p1

	maxLen := 0
	var best uint32 // position plus one of the longest short match
	if m2 != 0 && buf[m2-1] == cur[0] {
		maxLen = 2
		best = m2
		out = append(out, 2, p1-m2-1)
	}
	if m3 != m2 && m3 != 0 && buf[m3-1] == cur[0] {
		maxLen = 3
		best = m3
		out = append(out, 3, p1-m3-1)
	}
	if best != 0 {
		prev := buf[best-1:]
		maxLen = extend(cur, prev, maxLen, lenLimit)
		out[len(out)-2] = uint32(maxLen)
		if maxLen == lenLimit {
			mf.insert(pos, curMatch, cur, out, maxLen, false)
			return out
		}
	}
	if maxLen < 3 {
		maxLen = 3
	}
	return mf.insert(pos, curMatch, cur, out, maxLen, true)
}

// insert walks the binary tree from curMatch, re-rooting it at pos, and
// appends the matches longer than maxLen to out if collect is set.
func (mf *bt4) insert(pos int, curMatch uint32, cur []byte, out []uint32, maxLen int, collect bool) []uint32 {
	buf, son := mf.buf, mf.son
	lenLimit := len(cur)
	ptr1, ptr0 := &son[pos][0], &son[pos][1]
	len0, len1 := 0, 0
	p1 := uint32(pos + 1)
	for cut := mf.depth; ; cut-- {
		if curMatch == 0 || cut == 0 {
			*ptr0, *ptr1 = 0, 0
			return out
		}
		m := int(curMatch - 1)
		node := &son[m]
		pb := buf[m : m+lenLimit]
		l := min(len0, len1)
		if pb[l] == cur[l] {
			l = extend(cur, pb, l+1, lenLimit)
			if l > maxLen {
				maxLen = l
				if collect {
					out = append(out, uint32(l), p1-curMatch-1)
				}
			}
			if l == lenLimit {
				*ptr1, *ptr0 = node[0], node[1]
				return out
			}
		}
		if pb[l] < cur[l] {
			*ptr1 = curMatch
			ptr1 = &node[1]
			curMatch = *ptr1
			len1 = l
		} else {
			*ptr0 = curMatch
			ptr0 = &node[0]
			curMatch = *ptr0
			len0 = l
		}
	}
}
