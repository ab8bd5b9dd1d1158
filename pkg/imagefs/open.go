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
	"io/fs"
)

// Open streams the content of the regular file at p (symlinks followed
// inside the root) from the layer that holds its final copy. The reader
// fails with ErrDigestMismatch at its end if the bytes differ from those
// read by ReadLayers: it compares the file's digest, or, read without
// file digests (WithFileDigests), reads the rest of the layer and compares
// its diff_id. Close it.
func (f *FS) Open(ctx context.Context, p string) (io.ReadCloser, error) {
	n, _, err := f.node("open", p, true)
	if err != nil {
		return nil, err
	}
	if n.ref == noCopy {
		return nil, &fs.PathError{Op: "open", Path: p, Err: ErrNotRegular}
	}
	l := f.layers[n.ref.layer]
	e := l.recs.at(int(n.ref.index))
	digest := l.digestOf(int(n.ref.index))
	rc, err := f.src[n.ref.layer].Uncompressed()
	if err != nil {
		return nil, fmt.Errorf("opening layer %d for %s: %w", l.Index, p, err)
	}
	whole := &hashingReader{r: io.LimitReader(rc, l.Size+1)}
	if digest.Hex == "" && !selfVerifying(f.src[n.ref.layer]) {
		whole.h = sha256.New()
	}
	tr := tar.NewReader(bufio.NewReaderSize(whole, readBuffer))
	for i := 0; i <= int(n.ref.index); i++ {
		if err := ctx.Err(); err != nil {
			return nil, errors.Join(err, rc.Close())
		}
		if _, err := tr.Next(); err != nil {
			return nil, errors.Join(fmt.Errorf("reading layer %d for %s: %w", l.Index, p, err), rc.Close())
		}
	}
	v := &verifier{r: io.LimitReader(tr, e.Size), c: rc, h: sha256.New(), want: digest.Hex, size: e.Size, path: p}
	if digest.Hex == "" {
		v.h, v.rest, v.layer = nil, whole, l
	}
	return v, nil
}

// verifier checks the digest of what it streamed when it reaches the end.
// Without the file's digest (h nil), it reads the rest of the layer from
// rest, which hashed the whole stream, and compares the layer's size and
// diff_id; when rest hashed nothing, the layer's stream checks its
// diff_id itself (DiffIDVerifier) and fails the read that ends it.
type verifier struct {
	r     io.Reader
	c     io.Closer
	h     hash.Hash
	n     int64
	size  int64
	want  string
	path  string
	rest  *hashingReader
	layer *Layer
}

func (v *verifier) Read(p []byte) (int, error) {
	n, err := v.r.Read(p)
	if v.h != nil {
		v.h.Write(p[:n])
	}
	v.n += int64(n)
	if errors.Is(err, io.EOF) && (v.n != v.size || !v.sameAsRead()) {
		return n, fmt.Errorf("reading %s: %w", v.path, ErrDigestMismatch)
	}
	return n, err
}

// sameAsRead reports whether the content matches what ReadLayers read.
func (v *verifier) sameAsRead() bool {
	if v.h != nil {
		return hex.EncodeToString(v.h.Sum(nil)) == v.want
	}
	if _, err := drain(v.rest); err != nil {
		return false
	}
	if v.rest.h == nil {
		return v.rest.n == v.layer.Size
	}
	return v.layer.DiffID.Algorithm == "sha256" && hex.EncodeToString(v.rest.h.Sum(nil)) == v.layer.DiffID.Hex
}

func (v *verifier) Close() error { return v.c.Close() }
