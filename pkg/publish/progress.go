package publish

import (
	"fmt"
	"io"
	"strings"
	"sync"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/leve-build/leve/internal/humanize"
)

// blobProgress draws one progress bar per layer blob being pushed, on a
// terminal: the lines are redrawn in place with ANSI cursor movements, at
// most ten times a second, and finally once more when the push ends.
type blobProgress struct {
	w     io.Writer
	what  string
	mu    sync.Mutex
	bars  []*bar
	byID  map[string]*bar
	drawn int // lines on screen
	last  time.Time
}

// bar is one blob's progress.
type bar struct {
	name        string
	total, sent int64
	read        bool // the registry asked for its bytes
}

func newBlobProgress(w io.Writer, what string) *blobProgress {
	return &blobProgress{w: w, what: what, byID: map[string]*bar{}}
}

// layer wraps l so that reading its compressed bytes moves its bar.
func (p *blobProgress) layer(l v1.Layer) (v1.Layer, error) {
	d, err := l.Digest()
	if err != nil {
		return nil, err
	}
	size, err := l.Size()
	if err != nil {
		return nil, err
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	b, ok := p.byID[d.String()]
	if !ok {
		b = &bar{name: d.String()[:19], total: size}
		p.byID[d.String()] = b
		p.bars = append(p.bars, b)
	}
	return &progressLayer{Layer: l, p: p, b: b}, nil
}

// progressLayer counts the bytes read from its compressed stream.
type progressLayer struct {
	v1.Layer
	p *blobProgress
	b *bar
}

// Compressed returns the compressed stream, counting what is read.
func (l *progressLayer) Compressed() (io.ReadCloser, error) {
	rc, err := l.Layer.Compressed()
	if err != nil {
		return nil, err
	}
	l.p.mu.Lock()
	l.b.read, l.b.sent = true, 0
	l.p.mu.Unlock()
	return &countingReader{ReadCloser: rc, p: l.p, b: l.b}, nil
}

type countingReader struct {
	io.ReadCloser
	p *blobProgress
	b *bar
}

func (r *countingReader) Read(buf []byte) (int, error) {
	n, err := r.ReadCloser.Read(buf)
	r.p.mu.Lock()
	r.b.sent += int64(n)
	r.p.drawLocked(false)
	r.p.mu.Unlock()
	return n, err
}

// finish draws the final state: every blob either sent or already there.
func (p *blobProgress) finish() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.drawLocked(true)
}

func (p *blobProgress) drawLocked(final bool) {
	if !final && time.Since(p.last) < 100*time.Millisecond {
		return
	}
	p.last = time.Now()
	var b strings.Builder
	if p.drawn > 0 {
		fmt.Fprintf(&b, "\x1b[%dA", p.drawn)
	}
	fmt.Fprintf(&b, "\x1b[2Kpushing %s\n", p.what)
	for _, bar := range p.bars {
		state := ""
		switch {
		case !bar.read && final:
			state = "already in the registry"
		case !bar.read:
			state = "waiting"
		case bar.sent >= bar.total:
			state = "done"
		}
		fmt.Fprintf(&b, "\x1b[2K  %s %s %9s / %-9s %s\n", bar.name, gauge(bar.sent, bar.total), humanize.Bytes(bar.sent), humanize.Bytes(bar.total), state)
	}
	p.drawn = 1 + len(p.bars)
	io.WriteString(p.w, b.String())
}

// gauge draws a 20-cell bar for sent of total.
func gauge(sent, total int64) string {
	const cells = 20
	n := cells
	if total > 0 {
		n = int(min(sent, total) * cells / total)
	}
	return "[" + strings.Repeat("#", n) + strings.Repeat(".", cells-n) + "]"
}
