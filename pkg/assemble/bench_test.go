package assemble

import (
	"math/rand"
	"testing"

	"github.com/leve-build/leve/pkg/deflate"
)

// BenchmarkLayer measures building a layer, tar and gzip at the default
// level, from a 1.5 MB file of generated binary-like data through
// NewLayer, with no cache.
func BenchmarkLayer(b *testing.B) {
	r := rand.New(rand.NewSource(1))
	words := make([][]byte, 512)
	for i := range words {
		words[i] = make([]byte, 4+r.Intn(28))
		r.Read(words[i])
	}
	data := make([]byte, 0, 1536<<10)
	for len(data) < cap(data) {
		if r.Intn(8) == 0 {
			data = append(data, byte(r.Intn(256)))
			continue
		}
		data = append(data, words[r.Intn(len(words))]...)
	}
	entries := []Entry{{Path: "/app/bin", Mode: 0o755, Data: data}}
	dir := b.TempDir()
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := NewLayer(entries, Deflate{Level: deflate.Default}, nil, "bench", InDir(dir)); err != nil {
			b.Fatal(err)
		}
	}
}
