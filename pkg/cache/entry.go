package cache

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strings"
	"time"

	"github.com/leve-build/leve/internal/atomicfile"
)

// DigestSuffix ends the name of the sidecar that records the digest of the
// entry whose name it extends.
const DigestSuffix = ".sha256"

// ErrMismatch reports an entry whose content does not match the digest
// recorded for it: it was damaged after it was written.
var ErrMismatch = errors.New("content does not match its recorded digest")

// MismatchError is the error of an entry whose content is not what was
// recorded. It wraps ErrMismatch.
type MismatchError struct {
	Path string // the entry
	Got  string // the digest of its content
	Want string // the digest recorded for it
}

func (e *MismatchError) Error() string {
	return fmt.Sprintf("%s: %v: it is %s, recorded %s", e.Path, ErrMismatch, e.Got, e.Want)
}

// Unwrap returns ErrMismatch.
func (e *MismatchError) Unwrap() error { return ErrMismatch }

// DigestPath returns the path of the sidecar that records the digest of
// the entry at path.
func DigestPath(path string) string { return path + DigestSuffix }

// WriteDigest records digest ("sha256:HEX") as the digest of the entry at
// path, atomically.
func WriteDigest(path, digest string) error {
	if _, err := parseDigest(digest); err != nil {
		return fmt.Errorf("recording the digest of %s: %w", path, err)
	}
	return atomicfile.WriteFile(DigestPath(path), []byte(digest+"\n"), 0o644)
}

// RecordedDigest returns the digest recorded for the entry at path. It
// returns an error wrapping fs.ErrNotExist when none is recorded, and
// ErrMismatch when the sidecar itself is damaged.
func RecordedDigest(path string) (string, error) {
	b, err := os.ReadFile(DigestPath(path))
	if err != nil {
		return "", fmt.Errorf("reading the digest of %s: %w", path, err)
	}
	d := strings.TrimSpace(string(b))
	if _, err := parseDigest(d); err != nil {
		return "", fmt.Errorf("reading the digest of %s: %w (%v)", path, ErrMismatch, err)
	}
	return d, nil
}

func parseDigest(d string) ([]byte, error) {
	hexPart, ok := strings.CutPrefix(d, "sha256:")
	if !ok || len(hexPart) != 2*sha256.Size {
		return nil, fmt.Errorf("%q is not a sha256:HEX digest", d)
	}
	return hex.DecodeString(hexPart)
}

// Digest returns "sha256:HEX" of data.
func Digest(data []byte) string {
	s := sha256.Sum256(data)
	return "sha256:" + hex.EncodeToString(s[:])
}

// HashFile returns "sha256:HEX" of the file at path, reading it in chunks
// and stopping when ctx is done.
func HashFile(ctx context.Context, path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", fmt.Errorf("hashing %s: %w", path, err)
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, ctxReader{ctx, f}); err != nil {
		return "", fmt.Errorf("hashing %s: %w", path, err)
	}
	return "sha256:" + hex.EncodeToString(h.Sum(nil)), nil
}

// ctxReader fails reads once its context is done.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}

// Verify checks the file at path against its recorded digest. It returns
// nil when they match, an error wrapping fs.ErrNotExist when the file or
// its digest is missing, and one wrapping ErrMismatch when they differ.
func Verify(ctx context.Context, path string) error {
	want, err := RecordedDigest(path)
	if err != nil {
		return err
	}
	got, err := HashFile(ctx, path)
	if err != nil {
		return err
	}
	if got != want {
		return &MismatchError{Path: path, Got: got, Want: want}
	}
	return nil
}

// ReadVerified returns the content of the entry at path once checked
// against its recorded digest, and marks the entry used (see Touch). It
// returns an error wrapping fs.ErrNotExist when the entry or its digest is
// missing, and one wrapping ErrMismatch when the content is damaged.
func ReadVerified(path string) ([]byte, error) {
	want, err := RecordedDigest(path)
	if err != nil {
		return nil, err
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", path, err)
	}
	if got := Digest(b); got != want {
		return nil, &MismatchError{Path: path, Got: got, Want: want}
	}
	Touch(path)
	return b, nil
}

// WriteVerified writes data to path atomically, then its digest beside it.
// A reader that finds the entry without its digest treats it as absent.
func WriteVerified(path string, data []byte, perm os.FileMode) error {
	if err := atomicfile.WriteFile(path, data, perm); err != nil {
		return err
	}
	return WriteDigest(path, Digest(data))
}

// Remove removes the entry at path and its recorded digest. Missing files
// are not an error.
func Remove(path string) error {
	var errs []error
	for _, p := range []string{path, DigestPath(path)} {
		if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// Touch marks the entry at path as used now, for "leve cache prune": it
// sets the modification time of the entry and of its digest. Errors are
// ignored: a time that cannot be set only makes the entry look older.
func Touch(path string) {
	now := time.Now()
	_ = os.Chtimes(path, now, now)
	_ = os.Chtimes(DigestPath(path), now, now)
}
