package assemble

import (
	"fmt"

	"github.com/leve-build/leve/pkg/deflate"
)

// Compression is the layer compression algorithm. The zero value is gzip.
type Compression int

const (
	// GzipCompression compresses layers with leve's DEFLATE encoder in gzip
	// members: every runtime pulls them.
	GzipCompression Compression = iota
	// ZstdCompression compresses layers with zstd (Docker 23+, containerd
	// 1.5+).
	ZstdCompression
)

// String returns "gzip" or "zstd".
func (c Compression) String() string {
	if c == ZstdCompression {
		return "zstd"
	}
	return "gzip"
}

// ParseCompression returns the compression named "gzip" (or "") or
// "zstd".
func ParseCompression(s string) (Compression, error) {
	switch s {
	case "", "gzip":
		return GzipCompression, nil
	case "zstd":
		return ZstdCompression, nil
	}
	return 0, fmt.Errorf("compression %q: want gzip or zstd", s)
}

// ParseLevel returns the compression level named "fast", "default" (or
// "") or "max", as the deflate level both algorithms map from.
func ParseLevel(s string) (deflate.Level, error) {
	if s == "" {
		return deflate.Default, nil
	}
	l, err := deflate.ParseLevel(s)
	if err != nil {
		return 0, fmt.Errorf("compression level %q: want fast, default or max", s)
	}
	return l, nil
}
