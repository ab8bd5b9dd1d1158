package pull

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"fmt"
	"io"
	"os"
	"sync"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/types"
	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zstd"
)

// EstimateLevel is the gzip level at which leve compresses layers that a
// source holds uncompressed, and so estimates their pull size: the level
// docker push uses (compress/gzip's DefaultCompression).
const EstimateLevel = 6

// archiveLayer is a layer file of a docker save archive, named by the
// diff_id the config gives it. Its content is checked against that
// diff_id as it streams. An uncompressed file (the legacy format) is
// compressed here when its blob is asked for, at EstimateLevel, once:
// the gzip is kept in a temporary file, unlinked at once, that Close of
// the Source closes; its digest is then leve's.
type archiveLayer struct {
	fs           blobFS
	path         string
	source, blob string
	diffID       v1.Hash
	size         int64 // the file's size
	stored       bool  // the file is compressed: it is the blob
	zstd         bool

	closers *[]func() error // where the gzip's file is closed; nil: not kept

	once   sync.Once
	digest v1.Hash
	csize  int64
	gz     *os.File // the gzip of an uncompressed file, when kept
	err    error
}

var _ v1.Layer = (*archiveLayer)(nil)

func newArchiveLayer(fsys blobFS, path, source string, n int, diffID v1.Hash) (*archiveLayer, error) {
	l := &archiveLayer{fs: fsys, path: path, source: source, blob: fmt.Sprintf("layer %d", n+1), diffID: diffID}
	rc, size, err := fsys.Open(path)
	if err != nil {
		return nil, fmt.Errorf("%s: reading layer %d %s: %w", source, n+1, path, err)
	}
	magic, _ := bufio.NewReader(io.LimitReader(rc, 4)).Peek(4)
	rc.Close()
	l.size = size
	l.zstd = bytes.Equal(magic, []byte{0x28, 0xb5, 0x2f, 0xfd})
	l.stored = l.zstd || bytes.HasPrefix(magic, []byte{0x1f, 0x8b})
	return l, nil
}

func (l *archiveLayer) fail(problem string) error {
	return &BlobError{Source: l.source, Blob: l.blob, Digest: l.diffID, Problem: problem}
}

func (l *archiveLayer) name() string {
	return fmt.Sprintf("%s: reading %s blob %s", l.source, l.blob, l.diffID)
}

// blobDigest computes the blob's digest and size, once.
func (l *archiveLayer) blobDigest() (v1.Hash, int64, error) {
	l.once.Do(func() {
		var rc io.ReadCloser
		if l.stored {
			rc, _, l.err = l.fs.Open(l.path)
		} else {
			var u io.ReadCloser
			if u, l.err = l.Uncompressed(); l.err == nil {
				rc = gzipStream(u)
			}
		}
		if l.err != nil {
			return
		}
		defer rc.Close()
		var gz *os.File
		var r io.Reader = rc
		if !l.stored && l.closers != nil {
			if f, err := os.CreateTemp("", "leve-layer-*.gz"); err == nil {
				os.Remove(f.Name())
				gz, r = f, io.TeeReader(rc, f)
			}
		}
		l.digest, l.csize, l.err = v1.SHA256(r)
		if gz == nil {
			return
		}
		if l.err != nil {
			gz.Close()
			return
		}
		l.gz = gz
		*l.closers = append(*l.closers, gz.Close)
	})
	return l.digest, l.csize, l.err
}

// Digest returns the blob's digest: the archive's compressed file's, or
// that of leve's gzip of the uncompressed one.
func (l *archiveLayer) Digest() (v1.Hash, error) {
	d, _, err := l.blobDigest()
	return d, err
}

// Size returns the blob's size (see Digest).
func (l *archiveLayer) Size() (int64, error) {
	_, n, err := l.blobDigest()
	return n, err
}

// DiffID returns the diff_id the config names.
func (l *archiveLayer) DiffID() (v1.Hash, error) { return l.diffID, nil }

// MediaType returns the blob's media type.
func (l *archiveLayer) MediaType() (types.MediaType, error) {
	if l.zstd {
		return types.OCILayerZStd, nil
	}
	return types.DockerLayer, nil
}

// Descriptor returns the blob's descriptor.
func (l *archiveLayer) Descriptor() (*v1.Descriptor, error) {
	d, n, err := l.blobDigest()
	if err != nil {
		return nil, err
	}
	mt, _ := l.MediaType()
	return &v1.Descriptor{MediaType: mt, Size: n, Digest: d}, nil
}

// Uncompressed returns the layer's content; the read that ends it fails
// when its digest differs from the config's diff_id.
func (l *archiveLayer) Uncompressed() (io.ReadCloser, error) {
	rc, _, err := l.fs.Open(l.path)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", l.name(), err)
	}
	if l.stored {
		raw := rc
		var content io.Reader
		var done func()
		if l.zstd {
			zr, err := zstd.NewReader(rc, zstd.WithDecoderConcurrency(1))
			if err != nil {
				raw.Close()
				return nil, fmt.Errorf("%s: %w", l.name(), err)
			}
			content, done = zr, zr.Close
		} else {
			zr, err := gzip.NewReader(rc)
			if err != nil {
				raw.Close()
				return nil, l.fail(fmt.Sprintf("does not decompress (%v)", err))
			}
			content, done = zr, func() { zr.Close() }
		}
		rc = &readCloser{Reader: content, close: func() error { done(); return raw.Close() }}
	}
	return &verifier{rc: rc, h: sha256.New(), want: l.diffID, size: -1, what: "unpacks to content with", of: "the config", label: "diff_id ", fail: l.fail, name: l.name()}, nil
}

// VerifiesDiffID says that Uncompressed checks the content against the
// diff_id (imagefs.DiffIDVerifier): readers need not hash it again.
func (l *archiveLayer) VerifiesDiffID() bool { return true }

// Compressed returns the blob: the archive's compressed file, checked
// against the diff_id as it streams, or leve's gzip of the checked
// content.
func (l *archiveLayer) Compressed() (io.ReadCloser, error) {
	if l.stored {
		d, n, err := l.blobDigest()
		if err != nil {
			return nil, fmt.Errorf("%s: %w", l.name(), err)
		}
		rc, _, err := l.fs.Open(l.path)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", l.name(), err)
		}
		dw := newDiffIDWriter()
		v := &verifier{rc: rc, h: sha256.New(), want: d, size: n, what: "has", of: "the archive", fail: l.fail, name: l.name(), tee: dw}
		v.atEOF = func() error {
			got, err := dw.Sum()
			switch {
			case err != nil:
				return l.fail(fmt.Sprintf("does not decompress (%v)", err))
			case l.diffID.Algorithm != "sha256" || got != l.diffID.Hex:
				return l.fail(fmt.Sprintf("unpacks to content with digest sha256:%s, not the diff_id %s the config names", got, l.diffID))
			}
			return nil
		}
		return &abortOnClose{verifier: v, diff: dw}, nil
	}
	if _, n, err := l.blobDigest(); err != nil {
		return nil, err
	} else if l.gz != nil {
		return io.NopCloser(io.NewSectionReader(l.gz, 0, n)), nil
	}
	u, err := l.Uncompressed()
	if err != nil {
		return nil, err
	}
	return gzipStream(u), nil
}

// gzipStream returns u compressed at EstimateLevel as it is read; an error
// reading u fails the read, and closing the result stops the compression.
func gzipStream(u io.ReadCloser) io.ReadCloser {
	pr, pw := io.Pipe()
	go func() {
		zw, err := gzip.NewWriterLevel(pw, EstimateLevel)
		if err == nil {
			_, err = io.Copy(zw, u)
			if cerr := zw.Close(); err == nil {
				err = cerr
			}
		}
		u.Close()
		pw.CloseWithError(err)
	}()
	return pr
}

// readCloser is a reader with its own Close.
type readCloser struct {
	io.Reader
	close func() error
}

// Close calls close.
func (r *readCloser) Close() error { return r.close() }
