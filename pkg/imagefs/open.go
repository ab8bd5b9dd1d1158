package imagefs

import (
	"archive/tar"
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
// read by ReadLayers. Close it.
func (f *FS) Open(ctx context.Context, p string) (io.ReadCloser, error) {
	n, _, err := f.node("open", p, true)
	if err != nil {
		return nil, err
	}
	if n.ref == noCopy {
		return nil, &fs.PathError{Op: "open", Path: p, Err: ErrNotRegular}
	}
	l := f.layers[n.ref.layer]
	e := l.Entries[n.ref.index]
	rc, err := f.src[n.ref.layer].Uncompressed()
	if err != nil {
		return nil, fmt.Errorf("opening layer %d for %s: %w", l.Index, p, err)
	}
	tr := tar.NewReader(io.LimitReader(rc, l.Size))
	for i := 0; i <= n.ref.index; i++ {
		if err := ctx.Err(); err != nil {
			return nil, errors.Join(err, rc.Close())
		}
		if _, err := tr.Next(); err != nil {
			return nil, errors.Join(fmt.Errorf("reading layer %d for %s: %w", l.Index, p, err), rc.Close())
		}
	}
	return &verifier{r: io.LimitReader(tr, e.Size), c: rc, h: sha256.New(), want: e.Digest.Hex, size: e.Size, path: p}, nil
}

// verifier checks the digest of what it streamed when it reaches the end.
type verifier struct {
	r    io.Reader
	c    io.Closer
	h    hash.Hash
	n    int64
	size int64
	want string
	path string
}

func (v *verifier) Read(p []byte) (int, error) {
	n, err := v.r.Read(p)
	v.h.Write(p[:n])
	v.n += int64(n)
	if errors.Is(err, io.EOF) && (v.n != v.size || hex.EncodeToString(v.h.Sum(nil)) != v.want) {
		return n, fmt.Errorf("reading %s: %w", v.path, ErrDigestMismatch)
	}
	return n, err
}

func (v *verifier) Close() error { return v.c.Close() }
