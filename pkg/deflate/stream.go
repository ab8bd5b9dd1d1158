package deflate

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"runtime"
	"sync"
	"sync/atomic"
)

// GzipStream writes to dst what src holds, compressed as a single gzip
// member: exactly the bytes [Gzip] returns for the same input and level.
//
// It reads src one chunk (256 KiB, 512 KiB at Default) at a time, parses up to GOMAXPROCS
// chunks concurrently and writes each chunk's blocks as soon as the chunks
// before it are written, so it holds a few MiB per goroutine whatever the
// input size. It checks ctx between chunks and returns ctx's error, with
// dst holding a truncated stream, once ctx is done; the chunks being parsed
// at that moment are abandoned, so it returns within a fraction of a second
// even at Max.
func GzipStream(ctx context.Context, dst io.Writer, src io.Reader, level Level) error {
	return GzipStreamCache(ctx, dst, src, level, nil)
}

// GzipStreamCache is [GzipStream] with the parse of each chunk taken from
// cache when it holds it, and stored there when it did not, at Default and
// Max, whose parse costs far more than a lookup; Fast parses every chunk.
// The output is exactly GzipStream's. A nil cache is GzipStream.
func GzipStreamCache(ctx context.Context, dst io.Writer, src io.Reader, level Level, cache ChunkCache) error {
	p, ok := levels[level]
	if !ok {
		return fmt.Errorf("compressing with deflate level %d: %w", int(level), ErrLevel)
	}
	xfl := byte(2)
	if level == Fast {
		xfl = 4
	}
	s := &streamer{ctx: ctx, dst: dst, p: p, bw: newBlockWriter(), crc: crc32.NewIEEE()}
	if level != Fast {
		s.cache, s.level = cache, level
	}
	s.bw.bw.out = append(make([]byte, 0, 64<<10), 0x1f, 0x8b, 8, 0, 0, 0, 0, 0, xfl, 255)
	if err := s.run(src); err != nil {
		return err
	}
	s.bw.bw.out = binary.LittleEndian.AppendUint32(s.bw.bw.out, s.crc.Sum32())
	s.bw.bw.out = binary.LittleEndian.AppendUint32(s.bw.bw.out, uint32(s.n))
	return s.flush()
}

// streamer carries the state of one GzipStream call.
type streamer struct {
	ctx context.Context
	dst io.Writer
	p   params
	bw  *blockWriter
	crc hashWriter
	n   int64 // bytes read from src
	// stop abandons the chunks being parsed once the call fails.
	stop atomic.Bool
	// cache, when set, holds the parses of chunks at level.
	cache ChunkCache
	level Level
}

type hashWriter interface {
	io.Writer
	Sum32() uint32
}

// streamChunk is one chunk being parsed: buf holds the window before the
// chunk (none for the first) and then the chunk itself.
type streamChunk struct {
	buf  []byte
	r    *chunkResult
	done chan struct{}
}

// chunkBufs recycles the buffers of streamed chunks.
var chunkBufs = sync.Pool{New: func() any { return new([]byte) }}

// run compresses src into s.bw, flushing whole bytes to s.dst after every
// chunk. The output equals Deflate's: chunk i is parsed with the 32 KiB
// before it as history, and the last block of the last chunk is final.
func (s *streamer) run(src io.Reader) error {
	procs := max(1, runtime.GOMAXPROCS(0))
	// pending holds, in input order, the chunks read and not yet written.
	var pending []*streamChunk
	var window []byte // the last windowSize bytes read
	defer func() {
		if len(pending) > 0 {
			s.stop.Store(true)
		}
		for _, c := range pending { // on error: wait, so no parse outlives the call
			<-c.done
			s.release(c)
		}
	}()
	eof := false
	for !eof || len(pending) > 0 {
		if err := s.ctx.Err(); err != nil {
			return err
		}
		// Keep procs chunks parsing, plus the one whose end is not yet
		// known to be the input's.
		for !eof && len(pending) <= procs {
			c, err := s.read(src, window)
			if err != nil {
				return err
			}
			if c == nil {
				eof = true
				break
			}
			data := c.buf[len(window):]
			if len(data) < s.p.chunk {
				eof = true
			}
			window = append(window[:0], c.buf[max(0, len(c.buf)-windowSize):]...)
			pending = append(pending, c)
			go func() {
				s.parse(c, len(c.buf)-len(data))
				close(c.done)
			}()
		}
		if len(pending) == 0 {
			break
		}
		// The loop above stopped at the end of the input or with a chunk
		// after c, so whether c is the last one is known.
		c := pending[0]
		select {
		case <-c.done:
		case <-s.ctx.Done():
			return s.ctx.Err()
		}
		pending = pending[1:]
		c.r.write(s.bw, c.buf, eof && len(pending) == 0)
		s.release(c)
		if err := s.flush(); err != nil {
			return err
		}
	}
	if s.n == 0 {
		s.bw.writeBlock(nil, nil, true)
	}
	s.bw.bw.align()
	return nil
}

// parse parses the chunk c.buf[start:], or takes its parse from the
// cache.
func (s *streamer) parse(c *streamChunk, start int) {
	var key ChunkKey
	if s.cache != nil {
		key = chunkKey(s.level, c.buf, start)
		if e := s.cache.Load(key); e != nil && readChunkEntry(e, c.buf, start, c.r) == nil {
			return
		}
	}
	ps := s.p.pool.Get().(parser)
	ps.parse(c.buf, start, len(c.buf), c.r)
	s.p.pool.Put(ps)
	if s.cache != nil && !s.stop.Load() {
		bp := entryBufs.Get().(*[]byte)
		*bp = appendChunkEntry((*bp)[:0], c.r)
		s.cache.Store(key, *bp)
		entryBufs.Put(bp)
	}
}

// entryBufs recycles the buffers chunk entries are encoded in.
var entryBufs = sync.Pool{New: func() any { return new([]byte) }}

// read reads the next chunk of src after window, or returns nil at the end
// of the input.
func (s *streamer) read(src io.Reader, window []byte) (*streamChunk, error) {
	bp := chunkBufs.Get().(*[]byte)
	buf := *bp
	if cap(buf) < len(window)+s.p.chunk {
		buf = make([]byte, 0, windowSize+s.p.chunk)
	}
	buf = append(buf[:0], window...)
	n, err := io.ReadFull(src, buf[len(window):len(window)+s.p.chunk])
	if n == 0 || err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, io.ErrUnexpectedEOF) {
		*bp = buf
		chunkBufs.Put(bp)
		if n == 0 && (err == nil || errors.Is(err, io.EOF)) {
			return nil, nil
		}
		return nil, fmt.Errorf("reading input to compress: %w", err)
	}
	buf = buf[:len(window)+n]
	s.crc.Write(buf[len(window):])
	s.n += int64(n)
	r := resultPool.Get().(*chunkResult)
	r.reset()
	r.stop = &s.stop
	return &streamChunk{buf: buf, r: r, done: make(chan struct{})}, nil
}

// release returns a written chunk's buffers to their pools.
func (s *streamer) release(c *streamChunk) {
	resultPool.Put(c.r)
	b := c.buf
	chunkBufs.Put(&b)
}

// flush writes the whole bytes encoded so far to dst.
func (s *streamer) flush() error {
	if len(s.bw.bw.out) == 0 {
		return nil
	}
	if _, err := s.dst.Write(s.bw.bw.out); err != nil {
		return fmt.Errorf("writing compressed output: %w", err)
	}
	s.bw.bw.out = s.bw.bw.out[:0]
	return nil
}
