package assemble

import (
	"context"
	"fmt"
	"io"

	"github.com/google/go-containerregistry/pkg/v1/types"
	"github.com/klauspost/compress/gzip"
)

// Gzip, for tests, compresses with klauspost/compress's gzip at the given level
// (1-9). Its header carries no name and no time, so output is reproducible.
type Gzip struct{ Level int }

var _ Compressor = Gzip{}

// Name returns "gzip-LEVEL-VERSION", VERSION that of klauspost/compress.
func (g Gzip) Name() string { return fmt.Sprintf("gzip-%d-%s", g.Level, compressVersion()) }

// MediaType returns the OCI gzip layer media type.
func (g Gzip) MediaType() types.MediaType { return types.OCILayer }

// Compress gzips src into dst.
func (g Gzip) Compress(ctx context.Context, dst io.Writer, src io.Reader) error {
	zw, err := gzip.NewWriterLevel(dst, g.Level)
	if err != nil {
		return fmt.Errorf("gzip: %w", err)
	}
	if _, err := io.Copy(zw, contextReader(ctx, src)); err != nil {
		return fmt.Errorf("gzip: %w", err)
	}
	if err := zw.Close(); err != nil {
		return fmt.Errorf("gzip: %w", err)
	}
	return nil
}
