package publish

import (
	"io"
	"sync"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/remote"
)

// BlobState is where one blob of a push stands.
type BlobState int

// The states of a blob being pushed, in the order a blob goes through them.
const (
	// BlobWaiting: the push has not asked for the blob's bytes yet.
	BlobWaiting BlobState = iota
	// BlobSending: the blob's bytes are being uploaded.
	BlobSending
	// BlobDone: every byte of the blob was uploaded.
	BlobDone
	// BlobPresent: the push ended without uploading the blob: the
	// registry already had it (or mounted it from another repository).
	BlobPresent
)

// String names the state: "waiting", "sending", "done", "present".
func (s BlobState) String() string {
	switch s {
	case BlobWaiting:
		return "waiting"
	case BlobSending:
		return "sending"
	case BlobDone:
		return "done"
	case BlobPresent:
		return "present"
	}
	return "unknown"
}

// BlobProgress is one step of a layer blob's push, sent to
// Registry.Progress: when the push learns of the blob, as its bytes are
// read (at most every 64 KiB read), and once more for every blob when the
// push ends (Final).
type BlobProgress struct {
	// Target is where the blob is pushed: REGISTRY/REPO:TAG.
	Target string
	// Digest is the blob's digest; Total its size and Sent the bytes
	// uploaded so far.
	Digest      v1.Hash
	Total, Sent int64
	State       BlobState
	// Final is set on the updates sent when the push has ended.
	Final bool
}

// blobTracker turns the reads of layer blobs into BlobProgress updates.
type blobTracker struct {
	target string
	send   func(BlobProgress)
	mu     sync.Mutex
	blobs  []*blobState
	byID   map[v1.Hash]*blobState
}

// blobState is one blob's progress.
type blobState struct {
	digest      v1.Hash
	total, sent int64
	reported    int64 // sent at the last update
	read        bool  // the registry asked for its bytes
}

func newBlobTracker(target string, send func(BlobProgress)) *blobTracker {
	return &blobTracker{target: target, send: send, byID: map[v1.Hash]*blobState{}}
}

// layer wraps l so that reading its compressed bytes sends updates.
func (p *blobTracker) layer(l v1.Layer) (v1.Layer, error) {
	d, err := l.Digest()
	if err != nil {
		return nil, err
	}
	size, err := l.Size()
	if err != nil {
		return nil, err
	}
	p.mu.Lock()
	b, ok := p.byID[d]
	if !ok {
		b = &blobState{digest: d, total: size}
		p.byID[d] = b
		p.blobs = append(p.blobs, b)
	}
	u := p.update(b, false)
	p.mu.Unlock()
	if !ok {
		p.send(u)
	}
	if ml, ok := l.(*remote.MountableLayer); ok {
		// Stay mountable: remote.Write mounts only a *remote.MountableLayer.
		return &remote.MountableLayer{Layer: &progressLayer{Layer: ml.Layer, p: p, b: b}, Reference: ml.Reference}, nil
	}
	return &progressLayer{Layer: l, p: p, b: b}, nil
}

// update returns b's state; the caller holds p.mu.
func (p *blobTracker) update(b *blobState, final bool) BlobProgress {
	u := BlobProgress{Target: p.target, Digest: b.digest, Total: b.total, Sent: b.sent, Final: final}
	switch {
	case !b.read && final:
		u.State = BlobPresent
	case !b.read:
		u.State = BlobWaiting
	case b.sent >= b.total:
		u.State = BlobDone
	default:
		u.State = BlobSending
	}
	b.reported = b.sent
	return u
}

// progressLayer counts the bytes read from its compressed stream.
type progressLayer struct {
	v1.Layer
	p *blobTracker
	b *blobState
}

// Compressed returns the compressed stream, counting what is read.
func (l *progressLayer) Compressed() (io.ReadCloser, error) {
	rc, err := l.Layer.Compressed()
	if err != nil {
		return nil, err
	}
	l.p.mu.Lock()
	l.b.read, l.b.sent = true, 0
	u := l.p.update(l.b, false)
	l.p.mu.Unlock()
	l.p.send(u)
	return &countingReader{ReadCloser: rc, p: l.p, b: l.b}, nil
}

type countingReader struct {
	io.ReadCloser
	p *blobTracker
	b *blobState
}

func (r *countingReader) Read(buf []byte) (int, error) {
	n, err := r.ReadCloser.Read(buf)
	r.p.mu.Lock()
	r.b.sent += int64(n)
	var u *BlobProgress
	if r.b.sent-r.b.reported >= 64<<10 || (r.b.sent >= r.b.total && r.b.reported < r.b.total) {
		v := r.p.update(r.b, false)
		u = &v
	}
	r.p.mu.Unlock()
	if u != nil {
		r.p.send(*u)
	}
	return n, err
}

// finish sends the final state of every blob: sent or already there.
func (p *blobTracker) finish() {
	p.mu.Lock()
	us := make([]BlobProgress, len(p.blobs))
	for i, b := range p.blobs {
		us[i] = p.update(b, true)
	}
	p.mu.Unlock()
	for _, u := range us {
		p.send(u)
	}
}
