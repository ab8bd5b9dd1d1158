package assemble

import (
	"context"
	"errors"
	"fmt"
	"io"

	v1 "github.com/google/go-containerregistry/pkg/v1"
)

// errCompressorDone ends the tar writer of tarAndCompress once the
// compressor stopped reading.
var errCompressorDone = errors.New("layer: the compressor stopped reading")

// tarAndCompress writes the tar of entries and compresses it in one pass:
// the compressor reads the tar as it is written, instead of reading the
// spooled tar back. It is for a layer that no cache or sharing needs the
// diff ID of before it is compressed. Each content is spooled as spool
// does, with its sha256.
func tarAndCompress(ctx context.Context, dir string, entries []Entry, c Compressor) (tb content, diffID v1.Hash, blob content, digest v1.Hash, err error) {
	pr, pw := io.Pipe()
	var cerr error
	done := make(chan struct{})
	go func() {
		defer close(done)
		blob, digest, cerr = spool(dir, "blob", func(w io.Writer) error { return c.Compress(ctx, w, fullReader{pr}) })
		pr.CloseWithError(errCompressorDone)
	}()
	tb, diffID, err = spool(dir, "tar", func(w io.Writer) error { return WriteTar(ctx, io.MultiWriter(w, pw), entries) })
	pw.CloseWithError(err) // with a nil err, the end of the tar
	<-done
	switch {
	case err != nil && !errors.Is(err, errCompressorDone):
		blob.remove()
		return content{}, v1.Hash{}, content{}, v1.Hash{}, err
	case cerr != nil:
		tb.remove()
		return content{}, v1.Hash{}, content{}, v1.Hash{}, cerr
	case err != nil:
		blob.remove()
		return content{}, v1.Hash{}, content{}, v1.Hash{}, fmt.Errorf("%w before the end of the tar: compressor %s is broken, report it", errCompressorDone, c.Name())
	}
	return tb, diffID, blob, digest, nil
}

// fullReader reads like a regular file: every Read fills p unless the
// stream ends, so that the compressor sees the tar in the same reads
// whether it comes from a file or from the writer.
type fullReader struct{ r io.Reader }

func (f fullReader) Read(p []byte) (int, error) {
	n, err := io.ReadFull(f.r, p)
	if errors.Is(err, io.ErrUnexpectedEOF) {
		err = nil // the next Read returns io.EOF
	}
	return n, err
}
