package imagefs

import (
	"encoding/hex"
	"io/fs"
	"math"
	"sort"

	v1 "github.com/google/go-containerregistry/pkg/v1"
)

// rec is how a layer keeps one Entry: 56 bytes instead of 128. The
// fields most entries leave zero (link target, device numbers, extended
// attributes, owners above 2³²−1) are behind x, and file digests are in
// the layer's digest list. Its exported-looking fields mean what Entry's
// do.
type rec struct {
	Path     string
	Size     int64
	x        *recExt
	Mode     fs.FileMode
	uid, gid uint32
	Index    int32
	Type     Type
	Skipped  bool
	Visible  bool
}

// recExt holds the rare fields of a rec.
type recExt struct {
	link               string // Entry.Linkname
	uid, gid           int    // when either does not fit a uint32
	devmajor, devminor int64
	xattrs             map[string]string
	bigIDs             bool
}

// fileDigest is the content digest of entry index of a layer.
type fileDigest struct {
	index int32
	sum   [32]byte
}

func fitsID(id int) bool { return id >= 0 && int64(id) <= math.MaxUint32 }

// toRec is e as a layer keeps it, and the digest it had (ok when set).
func toRec(e *Entry) (r rec, d fileDigest, ok bool) {
	r = rec{Path: e.Path, Size: e.Size, Mode: e.Mode, Index: int32(e.Index), Type: e.Type, Skipped: e.Skipped, Visible: e.Visible}
	big := !fitsID(e.UID) || !fitsID(e.GID)
	if !big {
		r.uid, r.gid = uint32(e.UID), uint32(e.GID)
	}
	if big || e.Linkname != "" || e.Devmajor != 0 || e.Devminor != 0 || e.Xattrs != nil {
		r.x = &recExt{link: e.Linkname, devmajor: e.Devmajor, devminor: e.Devminor, xattrs: e.Xattrs, bigIDs: big, uid: e.UID, gid: e.GID}
	}
	if e.Digest.Algorithm == "sha256" && len(e.Digest.Hex) == 64 {
		if _, err := hex.Decode(d.sum[:], []byte(e.Digest.Hex)); err == nil {
			d.index, ok = r.Index, true
		}
	}
	return r, d, ok
}

// entry is r as an Entry with the digest d (zero for none).
func (r *rec) entry(d v1.Hash) Entry {
	e := Entry{Path: r.Path, Type: r.Type, Skipped: r.Skipped, Visible: r.Visible, Mode: r.Mode, UID: int(r.uid), GID: int(r.gid),
		Size: r.Size, Digest: d, Index: int(r.Index)}
	if x := r.x; x != nil {
		e.Linkname = x.link
		e.Devmajor, e.Devminor, e.Xattrs = x.devmajor, x.devminor, x.xattrs
		if x.bigIDs {
			e.UID, e.GID = x.uid, x.gid
		}
	}
	return e
}

// link returns the rec's Entry.Linkname.
func (r *rec) link() string {
	if r.x == nil {
		return ""
	}
	return r.x.link
}

// setLink sets the rec's link target, sharing no recExt with another rec.
func (r *rec) setLink(l string) {
	var x recExt
	if r.x != nil {
		x = *r.x
	}
	x.link = l
	r.x = &x
}

// recChunk is how many recs a chunk of a recList holds.
const recChunk = 256

// recList holds a layer's recs in fixed chunks: growing it copies
// nothing, and the last chunk alone has room to spare.
type recList struct {
	chunks [][]rec
	n      int
}

func (l *recList) len() int { return l.n }

// at returns the rec of entry i.
func (l *recList) at(i int) *rec { return &l.chunks[i/recChunk][i%recChunk] }

func (l *recList) add(r rec) {
	if l.n%recChunk == 0 {
		l.chunks = append(l.chunks, make([]rec, 0, recChunk))
	}
	c := &l.chunks[len(l.chunks)-1]
	*c = append(*c, r)
	l.n++
}

// clone returns a copy that shares no rec with l.
func (l *recList) clone() recList {
	c := recList{chunks: make([][]rec, len(l.chunks)), n: l.n}
	for i, ch := range l.chunks {
		c.chunks[i] = append(make([]rec, 0, recChunk), ch...)
	}
	return c
}

// digestOf returns the digest of entry i of l; zero when it has none.
func (l *Layer) digestOf(i int) v1.Hash {
	k := sort.Search(len(l.digests), func(j int) bool { return int(l.digests[j].index) >= i })
	if k == len(l.digests) || int(l.digests[k].index) != i {
		return v1.Hash{}
	}
	return v1.Hash{Algorithm: "sha256", Hex: hex.EncodeToString(l.digests[k].sum[:])}
}

// Len returns the number of the layer's entries, skipped ones included.
func (l *Layer) Len() int { return l.recs.len() }

// Entry returns entry i (from 0, in tar order), as it stands after the
// FS's merge (Skipped, Visible).
func (l *Layer) Entry(i int) Entry { return l.recs.at(i).entry(l.digestOf(i)) }

// AllEntries returns every entry in tar order: Entries when set, else a
// new slice of them (an FS's layers keep them in a compact form).
func (l *Layer) AllEntries() []Entry {
	if l.Entries != nil || l.recs.len() == 0 {
		return l.Entries
	}
	out := make([]Entry, l.recs.len())
	for i := range out {
		out[i] = l.Entry(i)
	}
	return out
}
