package imagefs

import (
	"errors"
	"io"

	v1 "github.com/google/go-containerregistry/pkg/v1"
)

// DiffIDVerifier is implemented by a layer whose Uncompressed stream
// checks its own content against its DiffID: the read that ends the
// stream fails when they differ (pkg/pull's layers do). ReadLayers, Open
// and extraction then trust that check instead of hashing the stream a
// second time; a layer without it is hashed here.
type DiffIDVerifier interface {
	// VerifiesDiffID reports whether Uncompressed makes that check.
	VerifiesDiffID() bool
}

// selfVerifying reports whether src checks its stream against its diff_id.
func selfVerifying(src v1.Layer) bool {
	v, ok := src.(DiffIDVerifier)
	return ok && v.VerifiesDiffID()
}

// readBuffer is the size of the buffer between a layer's stream and the
// tar reader: it turns the reader's 512-byte header reads and small
// content reads into few large reads of the source.
const readBuffer = 256 << 10

// drain reads r to its end, as a stream that checks its digest when it
// ends needs, and returns the bytes read. It calls only r.Read: a
// bufio.Reader's WriteTo would read past an error it holds.
func drain(r io.Reader) (int64, error) {
	var buf [32 << 10]byte
	var total int64
	for {
		n, err := r.Read(buf[:])
		total += int64(n)
		if errors.Is(err, io.EOF) {
			return total, nil
		}
		if err != nil {
			return total, err
		}
	}
}
