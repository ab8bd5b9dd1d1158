package imagefs

import (
	"archive/tar"
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"math"
	"path"
	"strings"

	v1 "github.com/google/go-containerregistry/pkg/v1"
)

// Layer is what reading one layer's tar found: its entries' metadata in
// tar order and its findings. An FS fills the change and waste fields.
type Layer struct {
	// Index is the layer's position in the image (from 0).
	Index int
	// DiffID is the sha256 of the uncompressed stream, as read.
	DiffID v1.Hash
	// Size is the number of uncompressed bytes of the stream.
	Size int64
	// ContentBytes is the sum of the entries' Size.
	ContentBytes int64
	// Entries holds every tar entry, skipped ones included, as ReadLayer
	// and WalkLayer return them; nil in an FS's layers, which keep them
	// compactly: see Len, Entry and AllEntries, which work for both.
	Entries []Entry
	// Findings lists the problems found while reading.
	Findings []Finding

	// Changes lists the paths the layer adds, changes and removes, by
	// path (FS only; nil with WithChangeLists(false)).
	Changes []Change
	// Added, Changed and Removed count the layer's changes of each kind,
	// listed or not (FS only).
	Added, Changed, Removed int
	// WastedBytes is the content bytes of this layer that the final file
	// system does not show (FS only).
	WastedBytes int64
	// SameAs is the index of the first earlier layer with the same DiffID,
	// or -1 (FS only). Such a layer is fetched once by a pull.
	SameAs int
	// PullWastedBytes is the content bytes of this layer's blob that no
	// layer using the blob shows; 0 when SameAs >= 0 (FS only).
	PullWastedBytes int64

	recs    recList      // the entries
	digests []fileDigest // the digests of those that have one, by index
}

// WalkFunc is called for each entry of a layer in tar order. content
// streams a regular file's bytes (nil for other types); what fn leaves
// unread is read after it returns. e.Digest is set only after fn returns.
// An error from fn stops the walk and is returned.
type WalkFunc func(e *Entry, content io.Reader) error

// ReadLayer reads an uncompressed layer tar and returns its entries'
// metadata. It holds no file content in memory.
func ReadLayer(ctx context.Context, r io.Reader, opts ...Option) (*Layer, error) {
	return WalkLayer(ctx, r, nil, opts...)
}

// WalkLayer is ReadLayer calling fn for each entry (fn may be nil).
func WalkLayer(ctx context.Context, r io.Reader, fn WalkFunc, opts ...Option) (*Layer, error) {
	cfg := newConfig(opts)
	l, err := scanLayer(ctx, r, 0, &budget{cfg: &cfg}, fn)
	if err != nil {
		return nil, err
	}
	l.Entries = l.AllEntries()
	return l, nil
}

// streamCounter hashes (unless h is nil) and counts the uncompressed
// stream and enforces the byte limits on it, so a decompression bomb
// stops early.
type streamCounter struct {
	r     io.Reader
	h     hash.Hash
	tee   io.Writer // when set, receives the stream
	n     int64
	b     *budget
	layer int
}

func (s *streamCounter) Read(p []byte) (int, error) {
	n, err := s.r.Read(p)
	if s.h != nil {
		s.h.Write(p[:n])
	}
	if s.tee != nil && n > 0 {
		if _, werr := s.tee.Write(p[:n]); werr != nil {
			return n, fmt.Errorf("layer %d: %w", s.layer, werr)
		}
	}
	s.n += int64(n)
	total := s.b.total.Add(int64(n))
	if s.n > s.b.cfg.maxLayer {
		return n, &LimitError{Limit: LimitLayerBytes, Max: s.b.cfg.maxLayer, Layer: s.layer}
	}
	if total > s.b.cfg.maxTotal {
		return n, &LimitError{Limit: LimitTotalBytes, Max: s.b.cfg.maxTotal, Layer: s.layer}
	}
	return n, err
}

// hashingReader hashes what is read through it; with a nil h it only
// passes the bytes on. n counts them.
type hashingReader struct {
	r io.Reader
	h hash.Hash
	n int64
}

func (h *hashingReader) Read(p []byte) (int, error) {
	n, err := h.r.Read(p)
	if h.h != nil {
		h.h.Write(p[:n])
	}
	h.n += int64(n)
	return n, err
}

func scanLayer(ctx context.Context, r io.Reader, index int, b *budget, fn WalkFunc) (*Layer, error) {
	return scanStream(ctx, r, index, b, fn, nil, v1.Hash{})
}

// scanStream is scanLayer writing the stream to tee when it is not nil.
// A non-zero verified is the diff_id that r checks the stream against
// itself, failing the read that ends it otherwise (a DiffIDVerifier's
// stream): the stream is then not hashed here, and its DiffID is that.
func scanStream(ctx context.Context, r io.Reader, index int, b *budget, fn WalkFunc, tee io.Writer, verified v1.Hash) (*Layer, error) {
	sc := &streamCounter{r: r, b: b, layer: index, tee: tee}
	if verified == (v1.Hash{}) {
		sc.h = sha256.New()
	}
	br := bufio.NewReaderSize(sc, readBuffer)
	tr := tar.NewReader(br)
	l := &Layer{Index: index, SameAs: -1}
	seen := map[string]bool{}
	var list entryList
	var h hashingReader
	var fileHash hash.Hash
	for i := 0; ; i++ {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		hdr, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, wrapRead(err, "reading layer %d entry %d: %w", index, i)
		}
		if b.entries.Add(1) > int64(b.cfg.maxEntries) || i > math.MaxInt32 {
			return nil, &LimitError{Limit: LimitEntries, Max: int64(b.cfg.maxEntries), Layer: index, Path: hdr.Name}
		}
		e := list.next(l)
		*e = entryOf(hdr, i)
		l.Findings = append(l.Findings, classify(e, hdr.Name, hdr.Typeflag, index)...)
		if e.Size > 0 {
			if l.ContentBytes+e.Size > b.cfg.maxLayer {
				return nil, &LimitError{Limit: LimitLayerBytes, Max: b.cfg.maxLayer, Layer: index, Path: e.Path}
			}
			if b.totalContent.Add(e.Size) > b.cfg.maxTotal {
				return nil, &LimitError{Limit: LimitTotalBytes, Max: b.cfg.maxTotal, Layer: index, Path: e.Path}
			}
		}
		l.ContentBytes += e.Size
		if !e.Skipped && e.Type != TypeWhiteout && e.Type != TypeOpaque {
			if seen[e.Path] && e.Path != "." {
				l.Findings = append(l.Findings, Finding{Layer: index, Path: e.Path, Kind: FindingDuplicate})
			}
			seen[e.Path] = true
		}
		var content io.Reader
		h = hashingReader{r: tr}
		if e.Type == TypeFile && (!b.cfg.noDigests || (b.cfg.digestsFor != nil && !e.Skipped && b.cfg.digestsFor(e.Path))) {
			if fileHash == nil {
				fileHash = sha256.New()
			}
			fileHash.Reset()
			h.h = fileHash
		}
		if e.Type == TypeFile || e.Size > 0 {
			content = &h
		}
		if fn != nil {
			if err := fn(e, content); err != nil {
				return nil, err
			}
		}
		if _, err := io.Copy(io.Discard, &h); err != nil {
			return nil, wrapRead(err, "reading layer %d %s: %w", index, e.Path)
		}
		if h.h != nil {
			e.Digest = v1.Hash{Algorithm: "sha256", Hex: hex.EncodeToString(h.h.Sum(nil))}
		}
	}
	list.flush(l)
	// The tar end marker may be followed by padding: it is part of the
	// diff_id, and the read that ends a verified stream checks it.
	if _, err := drain(br); err != nil {
		return nil, wrapRead(err, "reading layer %d: %w", index)
	}
	l.Size = sc.n
	l.DiffID = verified
	if sc.h != nil {
		l.DiffID = v1.Hash{Algorithm: "sha256", Hex: hex.EncodeToString(sc.h.Sum(nil))}
	}
	return l, nil
}

// wrapRead wraps a read error with where it happened, except a
// *LimitError, which already says where and is returned as it is.
func wrapRead(err error, format string, args ...any) error {
	var le *LimitError
	if errors.As(err, &le) {
		return le
	}
	return fmt.Errorf(format, append(args, err)...)
}

func entryOf(hdr *tar.Header, i int) Entry {
	e := Entry{
		Mode: hdr.FileInfo().Mode(), UID: hdr.Uid, GID: hdr.Gid, Size: hdr.Size,
		Linkname: hdr.Linkname, Devmajor: hdr.Devmajor, Devminor: hdr.Devminor, Index: i,
	}
	switch hdr.Typeflag {
	case tar.TypeReg, tar.TypeCont, tar.TypeGNUSparse:
		e.Type = TypeFile
	case tar.TypeDir:
		e.Type = TypeDir
	case tar.TypeSymlink:
		e.Type = TypeSymlink
	case tar.TypeLink:
		e.Type = TypeHardlink
	case tar.TypeChar:
		e.Type = TypeCharDevice
	case tar.TypeBlock:
		e.Type = TypeBlockDevice
	case tar.TypeFifo:
		e.Type = TypeFIFO
	default:
		e.Type = TypeUnsupported
	}
	if e.Type != TypeFile && e.Type != TypeUnsupported {
		e.Size = 0 // header-only types store no content, whatever the header says
	}
	for k, v := range hdr.PAXRecords {
		if name, ok := strings.CutPrefix(k, "SCHILY.xattr."); ok && name != "" {
			if e.Xattrs == nil {
				e.Xattrs = map[string]string{}
			}
			e.Xattrs[name] = v
		}
	}
	return e
}

// classify sets e.Path from the tar name, recognises whiteouts and marks
// hostile entries skipped, returning the findings.
func classify(e *Entry, name string, flag byte, layer int) []Finding {
	var fs []Finding
	add := func(k FindingKind, p, detail string) {
		fs = append(fs, Finding{Layer: layer, Path: p, Kind: k, Detail: detail})
	}
	if len(name) > MaxPathLen || len(e.Linkname) > MaxPathLen {
		e.Path, e.Skipped = name, true
		add(FindingLongPath, name[:min(len(name), 64)]+"...", fmt.Sprintf("%d-byte name, %d-byte link", len(name), len(e.Linkname)))
		return fs
	}
	p, abs, esc := cleanName(name)
	e.Path = p
	if esc {
		e.Path, e.Skipped = name, true
		add(FindingEscapingPath, name, "")
		return fs
	}
	if abs {
		add(FindingAbsolutePath, p, name)
	}
	switch {
	case flag == tar.TypeXGlobalHeader:
		e.Skipped = true // PAX global metadata, not a file
		return fs
	case e.Type == TypeUnsupported:
		e.Skipped = true
		add(FindingUnsupportedType, p, fmt.Sprintf("tar type %q", rune(flag)))
		return fs
	case p == "." && e.Type != TypeDir:
		e.Skipped = true
		add(FindingUnsupportedType, p, e.Type.String()+" at the root")
		return fs
	}
	base := path.Base(p)
	if strings.HasPrefix(base, whiteoutPrefix) {
		dir := parentOf(p)
		switch target := strings.TrimPrefix(base, whiteoutPrefix); {
		case base == opaqueMarker:
			e.Type, e.Path = TypeOpaque, dir
		case target == "" || target == "." || target == ".." || strings.HasPrefix(target, whiteoutPrefix):
			e.Skipped = true
			add(FindingBadWhiteout, p, "")
		default:
			e.Type, e.Path = TypeWhiteout, cleanRel(dir+"/"+target)
		}
		return fs
	}
	switch e.Type {
	case TypeSymlink:
		if !strings.HasPrefix(e.Linkname, "/") && climbs(parentOf(p), e.Linkname) {
			add(FindingSymlinkOutside, p, e.Linkname)
		}
	case TypeHardlink:
		t, _, esc := cleanName(e.Linkname)
		if esc {
			e.Skipped = true
			add(FindingHardlinkInvalid, p, e.Linkname)
			return fs
		}
		e.Linkname = t
	}
	return fs
}

// climbs reports whether target, relative to dir, goes above the root.
func climbs(dir, target string) bool {
	depth := 0
	if dir != "." {
		depth = strings.Count(dir, "/") + 1
	}
	for _, c := range strings.Split(target, "/") {
		switch c {
		case "", ".":
		case "..":
			depth--
			if depth < 0 {
				return true
			}
		default:
			depth++
		}
	}
	return false
}

// entryChunk is how many entries an entryList holds before they are
// turned into the layer's recs.
const entryChunk = 256

// entryList gathers a layer's entries as WalkFuncs see them, and hands
// them to the layer as recs a chunk at a time, once every entry of the
// chunk is complete (its digest set): a layer holds its entries in the
// compact form, and only one chunk in the full one.
type entryList struct {
	cur []Entry
}

// next returns a new zero entry at the end of the list, first moving a
// full chunk into l.
func (el *entryList) next(l *Layer) *Entry {
	if len(el.cur) == cap(el.cur) {
		el.flush(l)
		// A new chunk: a WalkFunc may hold an entry of the last one.
		el.cur = make([]Entry, 0, entryChunk)
	}
	el.cur = el.cur[:len(el.cur)+1]
	return &el.cur[len(el.cur)-1]
}

// flush moves the chunk's entries into l.
func (el *entryList) flush(l *Layer) {
	for i := range el.cur {
		r, d, ok := toRec(&el.cur[i])
		l.recs.add(r)
		if ok {
			l.digests = append(l.digests, d)
		}
	}
	el.cur = el.cur[:0]
}
