package assemble

import (
	"context"
	"io"
	"sync"

	v1 "github.com/google/go-containerregistry/pkg/v1"
)

// sharedMaxTar is the largest layer tar a [Shared] keeps: leve's system
// files and run-time files (CA certificates, time zone data) are well
// below it; binaries and --add files, rarely the same twice, are not kept.
const sharedMaxTar = 4 << 20

// Shared holds the small compressed layers that the images of one run
// have in common, such as leve's system files on every platform and the
// run-time files of programs with the same needs, so that each is
// compressed once per run instead of once per image. Compressing is
// deterministic, so a shared layer has the bytes and digest the image's
// own compression would give. Layers whose tar exceeds 4 MiB are not
// shared. A layer another build is compressing is waited for, not
// compressed twice. A nil *Shared shares nothing; it is safe for
// concurrent use, and kept in memory until dropped.
type Shared struct {
	mu sync.Mutex
	m  map[string]*sharedLayer
}

// NewShared returns an empty Shared.
func NewShared() *Shared { return &Shared{m: map[string]*sharedLayer{}} }

// sharedLayer is one layer compressed, or being compressed, for a Shared.
type sharedLayer struct {
	done   chan struct{} // closed once compressed or failed
	ok     bool
	data   []byte
	digest v1.Hash
}

// ShareIn takes the layer's compressed bytes from s when a layer with the
// same tar was compressed by the same compressor in s before, and keeps
// them there otherwise (see [Shared]). Default: no sharing.
func ShareIn(s *Shared) LayerOption { return func(o *layerOptions) { o.shared = s } }

// compress returns tb compressed by comp through s: the shared bytes when
// another layer had this tar, else those of compress, kept for the next.
func (s *Shared) compress(ctx context.Context, tb content, diffID v1.Hash, comp Compressor, compress func() (content, v1.Hash, error)) (content, v1.Hash, error) {
	if s == nil || tb.size > sharedMaxTar {
		return compress()
	}
	key := diffID.String() + " " + comp.Name()
	s.mu.Lock()
	e, found := s.m[key]
	if !found {
		e = &sharedLayer{done: make(chan struct{})}
		s.m[key] = e
	}
	s.mu.Unlock()
	if found {
		select {
		case <-e.done:
		case <-ctx.Done():
			return content{}, v1.Hash{}, ctx.Err()
		}
		if e.ok {
			return content{data: e.data, size: int64(len(e.data))}, e.digest, nil
		}
		return compress() // the first attempt failed: this build tries its own
	}
	defer close(e.done)
	c, d, err := compress()
	if err != nil {
		s.forget(key)
		return c, d, err
	}
	data, err := c.bytes()
	if err != nil {
		s.forget(key)
		return c, d, nil // only the sharing failed
	}
	e.ok, e.data, e.digest = true, data, d
	return c, d, nil
}

// forget drops key, so that a later layer compresses it again.
func (s *Shared) forget(key string) {
	s.mu.Lock()
	delete(s.m, key)
	s.mu.Unlock()
}

// bytes returns c's content.
func (c content) bytes() ([]byte, error) {
	if c.path == "" {
		return c.data, nil
	}
	rc, err := c.open()
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	return io.ReadAll(rc)
}
