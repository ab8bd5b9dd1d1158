package pipeline

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"strings"

	"github.com/leve-build/leve/pkg/cache"
	"github.com/leve-build/leve/pkg/pack"
)

// packBinary replaces the binary with its packed form (leve pack), taken
// from the cache when the same binary was packed before by the same
// packer (pack.FormatID): packing is the slowest step of a build, and its
// output depends only on its input and the packer. A cached packed binary
// is used only when it matches the digest recorded with it; a damaged one
// is removed with a warning and packed again.
func (b *builder) packBinary(ctx context.Context) (*PackResult, error) {
	key := pack.FormatID() + "-" + strings.TrimPrefix(cache.Digest(b.data), "sha256:")
	var cached string
	if b.o.CacheDir != "" {
		cached = filepath.Join(b.o.CacheDir, cache.KindPacked, key)
		out, err := cache.ReadVerified(cached)
		var bad *cache.MismatchError
		switch {
		case err == nil && pack.IsPacked(bytesReader(out), int64(len(out))):
			before := len(b.data)
			b.data = out
			return &PackResult{Before: int64(before), After: int64(len(out)), Cached: true}, nil
		case err == nil, errors.As(err, &bad):
			b.warnings = append(b.warnings, fmt.Sprintf("cached packed binary %s was damaged (%s): removed it and packed again", cached, mismatchDetail(bad)))
			_ = cache.Remove(cached) // rewritten below
		case errors.Is(err, cache.ErrMismatch), errors.Is(err, fs.ErrNotExist):
			// no usable record: pack and write the entry anew
		}
	}
	out, st, err := pack.Pack(ctx, b.data)
	if err != nil {
		return nil, fmt.Errorf("packing %s: %w", b.name(), err)
	}
	if cached != "" {
		_ = cache.WriteVerified(cached, out, 0o644) // a cache that cannot be written only costs time
	}
	b.data = out
	return &PackResult{Before: st.OriginalSize, After: st.PackedSize, Ratio: st.Ratio, Duration: st.Duration}, nil
}

// mismatchDetail says how a cache entry differs from its record; bad is
// nil for an entry that matches its record but is not a packed binary.
func mismatchDetail(bad *cache.MismatchError) string {
	if bad == nil {
		return "not a packed binary"
	}
	return fmt.Sprintf("it is %s, recorded %s", bad.Got, bad.Want)
}

func bytesReader(b []byte) *bytes.Reader { return bytes.NewReader(b) }
