package pull

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"sync"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zstd"
)

// checkBytes returns a *BlobError unless b has digest want and, when size
// is not negative, that size. of names the descriptor's owner ("its
// manifest", "the index").
func checkBytes(source, blob string, want v1.Hash, size int64, of string, b []byte) error {
	fail := func(problem string) error {
		return &BlobError{Source: source, Blob: blob, Digest: want, Problem: problem}
	}
	if size >= 0 && int64(len(b)) != size {
		return fail(fmt.Sprintf("has %d bytes, not the %d %s names", len(b), size, of))
	}
	if got := sha256.Sum256(b); want.Algorithm != "sha256" || hex.EncodeToString(got[:]) != want.Hex {
		return fail(fmt.Sprintf("has digest sha256:%x, not the %s %s names", got, want, of))
	}
	return nil
}

// verifier passes a blob's bytes on while hashing them, and fails the
// read that ends the stream (or the one that overruns the size) when the
// digest or the size differ from want and size.
type verifier struct {
	rc   io.ReadCloser
	h    hash.Hash
	n    int64
	want v1.Hash
	size int64 // -1: unknown
	// what says what was hashed ("has", "unpacks to content with"), of
	// who names want ("its manifest", "the config"), and label precedes
	// want in the message ("diff_id ").
	what, of, label string
	fail            func(problem string) error
	// name names the blob in errors of the reader underneath.
	name string
	err  error // sticky: once failed, every read fails
	// tee, when set, receives every byte read; atEOF is then called once
	// the stream ended with the right digest and size, and its error
	// fails the read.
	tee   io.Writer
	atEOF func() error
}

// Read reads from the blob; the read that reaches its end returns the
// mismatch, if any, instead of io.EOF.
func (v *verifier) Read(p []byte) (int, error) {
	if v.err != nil {
		return 0, v.err
	}
	n, err := v.rc.Read(p)
	over := v.size >= 0 && v.n+int64(n) > v.size
	if over {
		n = int(v.size - v.n)
	}
	v.h.Write(p[:n])
	v.n += int64(n)
	if v.tee != nil && n > 0 {
		if _, werr := v.tee.Write(p[:n]); werr != nil && err == nil {
			err = werr
		}
	}
	switch {
	case over:
		v.err = v.fail(fmt.Sprintf("%s more than the %d bytes %s names", v.what, v.size, v.of))
	case errors.Is(err, io.EOF):
		if v.err = v.check(); v.err == nil {
			v.err = io.EOF
		}
	case err != nil:
		v.err = fmt.Errorf("%s: %w", v.name, err)
	}
	return n, v.err
}

func (v *verifier) check() error {
	if v.size >= 0 && v.n != v.size {
		return v.fail(fmt.Sprintf("%s %d bytes, not the %d %s names", v.what, v.n, v.size, v.of))
	}
	if got := hex.EncodeToString(v.h.Sum(nil)); v.want.Algorithm != "sha256" || got != v.want.Hex {
		return v.fail(fmt.Sprintf("%s digest sha256:%s, not the %s%s %s names", v.what, got, v.label, v.want, v.of))
	}
	if v.atEOF != nil {
		return v.atEOF()
	}
	return nil
}

// Close closes the blob.
func (v *verifier) Close() error { return v.rc.Close() }

// diffIDWriter computes the diff_id of a compressed stream written to
// it: the sha256 of its content once gzip or zstd are undone (a stream
// with neither magic is taken as it is).
type diffIDWriter struct {
	pw   *io.PipeWriter
	done chan diffIDResult
	once sync.Once
	res  diffIDResult
}

type diffIDResult struct {
	sum string
	err error
}

func newDiffIDWriter() *diffIDWriter {
	pr, pw := io.Pipe()
	d := &diffIDWriter{pw: pw, done: make(chan diffIDResult, 1)}
	go func() {
		sum, err := contentDigest(pr)
		io.Copy(io.Discard, pr) // what follows the compressed stream
		pr.CloseWithError(err)
		d.done <- diffIDResult{sum, err}
	}()
	return d
}

// Write passes p to the decompressor.
func (d *diffIDWriter) Write(p []byte) (int, error) { return d.pw.Write(p) }

// Sum ends the stream and returns the content's sha256, hex.
func (d *diffIDWriter) Sum() (string, error) {
	d.pw.Close()
	d.once.Do(func() { d.res = <-d.done })
	return d.res.sum, d.res.err
}

// Abort ends the stream early; it may follow Sum.
func (d *diffIDWriter) Abort() {
	d.pw.CloseWithError(io.ErrClosedPipe)
	d.once.Do(func() { d.res = <-d.done })
}

// contentDigest returns the sha256 of r's content, decompressed.
func contentDigest(r io.Reader) (string, error) {
	br := bufio.NewReader(r)
	magic, _ := br.Peek(4)
	var content io.Reader = br
	switch {
	case bytes.HasPrefix(magic, []byte{0x1f, 0x8b}):
		zr, err := gzip.NewReader(br)
		if err != nil {
			return "", err
		}
		defer zr.Close()
		content = zr
	case bytes.Equal(magic, []byte{0x28, 0xb5, 0x2f, 0xfd}):
		zr, err := zstd.NewReader(br, zstd.WithDecoderConcurrency(1))
		if err != nil {
			return "", err
		}
		defer zr.Close()
		content = zr
	}
	h := sha256.New()
	if _, err := io.Copy(h, content); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}
