package deflate

import (
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"hash/crc32"
)

// A ChunkCache keeps the parses of chunks from one compression to the
// next. [GzipStreamCache] parses a chunk only when the cache holds no
// parse of the same bytes after the same window, at the same level and
// [Version]: when a binary is rebuilt after an edit that moves bytes in
// some places only, the chunks that did not change cost a lookup. With the
// entries GzipStreamCache stored, the output is the same as without a
// cache. An entry is used only once it is checked to encode exactly the
// chunk's bytes (see [ErrChunkEntry]), so whatever else the cache returns,
// damaged or cut short or stored for other bytes, the chunk is parsed
// again and its entry stored anew.
//
// Load and Store are called from several goroutines at once.
type ChunkCache interface {
	// Load returns the entry stored under key, or nil when there is none.
	// It may return any bytes: a damaged entry is detected and ignored.
	Load(key ChunkKey) []byte
	// Store keeps entry under key. It may drop it, and it must not keep
	// entry itself, which is reused once Store returns.
	Store(key ChunkKey, entry []byte)
}

// ChunkKey names the parse of one chunk: the sha256 of the level, the
// encoder's [Version], the window before the chunk and the chunk.
type ChunkKey [sha256.Size]byte

// MaxChunkEntry bounds the size of a valid chunk entry; a [ChunkCache] may
// refuse to read more.
const MaxChunkEntry = 4 << 20

// ErrChunkEntry is the error of an entry that is not the parse of the
// chunk it is stored for: damaged, cut short or written by something else.
var ErrChunkEntry = errors.New("deflate: chunk entry does not encode its chunk")

// chunkMagic starts every entry; its last byte is the entry format's
// version.
var chunkMagic = [4]byte{'l', 'v', 'c', 1}

// chunkKey returns the key of the parse of buf[start:] with buf[:start]
// as its window, at level.
func chunkKey(level Level, buf []byte, start int) ChunkKey {
	h := sha256.New()
	var hdr [24]byte
	copy(hdr[:], "leve-deflate-chunk")
	hdr[18] = byte(level)
	hdr[19] = Version
	binary.LittleEndian.PutUint32(hdr[20:], uint32(start))
	h.Write(hdr[:])
	h.Write(buf)
	var k ChunkKey
	h.Sum(k[:0])
	return k
}

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// appendChunkEntry appends to dst the entry of r, the parse of a chunk:
// the magic, a CRC-32C of what follows, then per block its length in
// bytes and its number of matches, then per match the literals before it,
// its length and its offset, all as uvarints. Literals are not stored:
// they are the chunk's bytes.
func appendChunkEntry(dst []byte, r *chunkResult) []byte {
	dst = append(dst, chunkMagic[:]...)
	crcAt := len(dst)
	dst = append(dst, 0, 0, 0, 0)
	dst = binary.AppendUvarint(dst, uint64(len(r.blocks)))
	for _, b := range r.blocks {
		toks := r.tokens[b.tokStart:b.tokEnd]
		matches := 0
		for _, t := range toks {
			if t>>16 != 0 {
				matches++
			}
		}
		dst = binary.AppendUvarint(dst, uint64(b.end-b.start))
		dst = binary.AppendUvarint(dst, uint64(matches))
		lits := 0
		for _, t := range toks {
			if t>>16 == 0 {
				lits++
				continue
			}
			dst = binary.AppendUvarint(dst, uint64(lits))
			dst = binary.AppendUvarint(dst, uint64(t>>16-minMatch))
			dst = binary.AppendUvarint(dst, uint64(t&0xffff-1))
			lits = 0
		}
	}
	binary.LittleEndian.PutUint32(dst[crcAt:], crc32.Checksum(dst[crcAt+4:], castagnoli))
	return dst
}

// entryReader reads the uvarints of an entry.
type entryReader struct {
	b   []byte
	bad bool
}

// next returns the next uvarint, or max when there is none or it exceeds
// max; either marks the entry bad.
func (e *entryReader) next(max int) int {
	v, n := binary.Uvarint(e.b)
	if n <= 0 || v > uint64(max) {
		e.bad = true
		e.b = nil
		return max
	}
	e.b = e.b[n:]
	return int(v)
}

// readChunkEntry fills r, reset, with the parse entry holds of
// buf[start:], after checking that its blocks cover the chunk and that
// its tokens encode exactly the chunk's bytes: every match within the
// window and equal to the bytes it copies. It returns ErrChunkEntry for
// any other entry, with r's tokens and blocks cleared.
func readChunkEntry(entry []byte, buf []byte, start int, r *chunkResult) error {
	if err := fillChunk(entry, buf, start, r); err != nil {
		r.tokens, r.blocks = r.tokens[:0], r.blocks[:0]
		return err
	}
	return nil
}

// fillChunk is readChunkEntry without the clearing on error.
func fillChunk(entry []byte, buf []byte, start int, r *chunkResult) error {
	if len(entry) < 8 || [4]byte(entry[:4]) != chunkMagic ||
		binary.LittleEndian.Uint32(entry[4:]) != crc32.Checksum(entry[8:], castagnoli) {
		return ErrChunkEntry
	}
	e := entryReader{b: entry[8:]}
	end := len(buf)
	pos := start
	nblocks := e.next(end - start)
	for range nblocks {
		if e.bad {
			break
		}
		tokStart := len(r.tokens)
		blockStart := pos
		blockEnd := pos + e.next(end-pos)
		if blockEnd == blockStart {
			return ErrChunkEntry
		}
		for range e.next(blockEnd - pos) {
			lits := e.next(blockEnd - pos)
			for _, c := range buf[pos : pos+lits] {
				r.tokens = append(r.tokens, token(c))
			}
			pos += lits
			l := e.next(maxMatch-minMatch) + minMatch
			d := e.next(maxDist-1) + 1
			if e.bad || pos+l > blockEnd || d > pos {
				return ErrChunkEntry
			}
			for i := range l { // byte by byte: the copy may overlap itself
				if buf[pos+i] != buf[pos-d+i] {
					return ErrChunkEntry
				}
			}
			r.tokens = append(r.tokens, matchToken(l, d))
			pos += l
		}
		if e.bad {
			break
		}
		for _, c := range buf[pos:blockEnd] {
			r.tokens = append(r.tokens, token(c))
		}
		pos = blockEnd
		r.blocks = append(r.blocks, blockSpan{tokStart: tokStart, tokEnd: len(r.tokens), start: blockStart, end: blockEnd})
	}
	if e.bad || len(e.b) != 0 || pos != end || (nblocks == 0) != (end == start) {
		return ErrChunkEntry
	}
	return nil
}
