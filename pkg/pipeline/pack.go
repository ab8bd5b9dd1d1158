package pipeline

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"

	"github.com/leve-build/leve/internal/atomicfile"
	"github.com/leve-build/leve/internal/humanize"
	"github.com/leve-build/leve/pkg/pack"
)

// packBinary replaces the binary with its packed form (leve pack), taken
// from the cache when the same binary was packed before by the same
// packer (pack.FormatID): packing is the slowest step of a build, and its
// output depends only on its input and the packer.
func (b *builder) packBinary(ctx context.Context) (string, error) {
	sum := sha256.Sum256(b.data)
	key := pack.FormatID() + "-" + hex.EncodeToString(sum[:])
	var cached string
	if b.o.CacheDir != "" {
		cached = filepath.Join(b.o.CacheDir, "packed", key)
		if out, err := os.ReadFile(cached); err == nil && pack.IsPacked(bytesReader(out), int64(len(out))) {
			before := len(b.data)
			b.data = out
			return fmt.Sprintf("pack %s → %s (cached)", humanize.Bytes(int64(before)), humanize.Bytes(int64(len(out)))), nil
		}
	}
	out, st, err := pack.Pack(ctx, b.data)
	if err != nil {
		return "", fmt.Errorf("packing %s: %w", b.rep.Binary.Name, err)
	}
	if cached != "" {
		_ = atomicfile.WriteFile(cached, out, 0o644) // a cache that cannot be written only costs time
	}
	b.data = out
	return fmt.Sprintf("pack %s → %s (%.1f%%, %s)", humanize.Bytes(st.OriginalSize), humanize.Bytes(st.PackedSize), 100*st.Ratio, st.Duration.Round(1e6)), nil
}

func bytesReader(b []byte) *bytes.Reader { return bytes.NewReader(b) }
