package assemble

import (
	"context"
	"fmt"
	"io"
	"runtime/debug"
	"sync"

	"github.com/google/go-containerregistry/pkg/v1/types"
	"github.com/klauspost/compress/zstd"

	"github.com/leve-build/leve/pkg/deflate"
)

// Deflate compresses layers as gzip with leve's own DEFLATE encoder
// (pkg/deflate): any gzip reader accepts its output, which is smaller than
// Go's and klauspost's gzip at their best level.
type Deflate struct{ Level deflate.Level }

var _ Compressor = Deflate{}

// Name returns "deflateVERSION-LEVEL": the encoder's output version is part
// of the name, so a layer cache never serves bytes of another encoder.
func (d Deflate) Name() string { return fmt.Sprintf("deflate%d-%s", deflate.Version, d.Level) }

// MediaType returns the OCI gzip layer media type.
func (d Deflate) MediaType() types.MediaType { return types.OCILayer }

// Compress gzips src into dst with leve's encoder, streaming: the bytes
// are those of deflate.Gzip on all of src.
func (d Deflate) Compress(ctx context.Context, dst io.Writer, src io.Reader) error {
	return d.compressChunks(ctx, dst, src, nil)
}

// compressChunks is Compress with the parses of chunks kept in chunks.
func (d Deflate) compressChunks(ctx context.Context, dst io.Writer, src io.Reader, chunks deflate.ChunkCache) error {
	if err := deflate.GzipStreamCache(ctx, dst, src, d.Level, chunks); err != nil {
		return fmt.Errorf("gzip: %w", err)
	}
	return nil
}

// Zstd compresses layers with klauspost's zstd encoder, media type
// application/vnd.oci.image.layer.v1.tar+zstd, which Docker 23+,
// containerd 1.5+ and Podman pull, and Docker 20.10, umoci and
// oci-image-tool cannot read.
type Zstd struct{ Level zstd.EncoderLevel }

var _ Compressor = Zstd{}

// Name returns "zstd-LEVEL-VERSION", VERSION that of the klauspost/compress
// module linked in, whose encoder output may change between versions.
func (z Zstd) Name() string { return fmt.Sprintf("zstd-%d-%s", z.Level, compressVersion()) }

// MediaType returns the OCI zstd layer media type.
func (z Zstd) MediaType() types.MediaType { return types.OCILayerZStd }

// Compress zstd-compresses src into dst in one frame with its checksum
// (and its content size when it fits in one block), single-threaded so the
// output does not depend on the CPU.
func (z Zstd) Compress(ctx context.Context, dst io.Writer, src io.Reader) error {
	w, err := zstd.NewWriter(dst, zstd.WithEncoderLevel(z.Level), zstd.WithEncoderConcurrency(1), zstd.WithWindowSize(8<<20), zstd.WithEncoderCRC(true))
	if err != nil {
		return fmt.Errorf("zstd: %w", err)
	}
	if _, err := io.Copy(w, contextReader(ctx, src)); err != nil {
		w.Close()
		return fmt.Errorf("zstd: %w", err)
	}
	if err := w.Close(); err != nil {
		return fmt.Errorf("zstd: %w", err)
	}
	return nil
}

// LevelOrDefault returns level, or deflate.Default for the zero level: what
// the zero level means wherever a level is chosen or named.
func LevelOrDefault(level deflate.Level) deflate.Level {
	if level == 0 {
		return deflate.Default
	}
	return level
}

// ChooseCompressor returns the compressor for an algorithm and a level
// (the zero level is deflate.Default, LevelOrDefault).
//
// gzip is leve's DEFLATE encoder: fast its lazy parser (smaller and faster
// than gzip -9), default its near-optimal parser, max the near-optimal
// parser searching harder. zstd is klauspost's encoder at its "default",
// "better" and "best" levels.
func ChooseCompressor(algorithm Compression, level deflate.Level) Compressor {
	level = LevelOrDefault(level)
	if algorithm == ZstdCompression {
		switch level {
		case deflate.Fast:
			return Zstd{Level: zstd.SpeedDefault}
		case deflate.Max:
			return Zstd{Level: zstd.SpeedBestCompression}
		}
		return Zstd{Level: zstd.SpeedBetterCompression}
	}
	return Deflate{Level: level}
}

// compressVersion returns the version of github.com/klauspost/compress in
// the running binary's build info, or "unknown".
var compressVersion = sync.OnceValue(func() string {
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, d := range bi.Deps {
			if d.Path == "github.com/klauspost/compress" {
				if d.Replace != nil {
					return d.Replace.Version
				}
				return d.Version
			}
		}
	}
	return "unknown"
})
