package pull

import (
	"errors"
	"fmt"

	v1 "github.com/google/go-containerregistry/pkg/v1"
)

// ErrDamaged is wrapped by every error about a blob whose bytes are not
// the ones its descriptor names.
var ErrDamaged = errors.New("the image is damaged or was tampered with")

// BlobError is a blob that does not match its descriptor.
type BlobError struct {
	// Source names the image, e.g. "base oci:/x/layout:latest".
	Source string
	// Blob names the blob in the image: "manifest", "config" or
	// "layer N" (counted from 1, bottom up).
	Blob string
	// Digest is the blob's digest as its descriptor names it; for a
	// layer of a docker archive, whose manifest leve makes, the diff_id
	// the archive names it by.
	Digest v1.Hash
	// Problem says what differs, e.g. "has digest sha256:…, not the one
	// its manifest names".
	Problem string
}

// Error returns the one-line message: the image, the blob, the problem.
func (e *BlobError) Error() string {
	return fmt.Sprintf("%s: %s blob %s %s; %s: get it again from a source you trust", e.Source, e.Blob, e.Digest, e.Problem, ErrDamaged)
}

// Unwrap returns ErrDamaged.
func (e *BlobError) Unwrap() error { return ErrDamaged }
