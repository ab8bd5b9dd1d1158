package pull

import (
	"bytes"
	"context"
	"io"
	"math/rand"
	"testing"

	"github.com/google/go-containerregistry/pkg/compression"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
)

// BenchmarkCheck checks a base of one 16 MiB layer (half random bytes,
// half text) from an OCI layout: the cost leve adds before a build on a
// local base. It reports the layer's uncompressed MB/s.
func BenchmarkCheck(b *testing.B) {
	content := make([]byte, 8<<20)
	rand.New(rand.NewSource(1)).Read(content)
	content = append(content, bytes.Repeat([]byte("root:x:0:0:root:/root:/bin/sh\n"), (8<<20)/30)...)
	raw := tarOf(b, "data", string(content))
	l, err := tarball.LayerFromOpener(func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(raw)), nil }, tarball.WithCompression(compression.GZip))
	if err != nil {
		b.Fatal(err)
	}
	img, err := mutate.AppendLayers(empty.Image, l)
	if err != nil {
		b.Fatal(err)
	}
	cf, _ := img.ConfigFile()
	cf.OS, cf.Architecture = "linux", "amd64"
	img, _ = mutate.ConfigFile(img, cf)
	got, err := openImage(b, "oci:"+writeLayout(b, img))
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(raw)))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if err := Check(context.Background(), got); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkOpenDockerArchive opens a legacy docker save archive with one
// 16 MiB layer (half random bytes, half text) and checks it: the archive
// is indexed and its layer hashed where it lies, with no gzip made.
func BenchmarkOpenDockerArchive(b *testing.B) {
	content := make([]byte, 8<<20)
	rand.New(rand.NewSource(1)).Read(content)
	content = append(content, bytes.Repeat([]byte("root:x:0:0:root:/root:/bin/sh\n"), (8<<20)/30)...)
	raw := tarOf(b, "data", string(content))
	cfg := jsonOf(b, map[string]any{"os": "linux", "architecture": "amd64", "rootfs": map[string]any{"type": "layers", "diff_ids": []string{sha(raw).String()}}})
	files := map[string][]byte{sha(cfg).Hex + ".json": cfg, "a/layer.tar": raw,
		"manifest.json": jsonOf(b, []map[string]any{{"Config": sha(cfg).Hex + ".json", "Layers": []string{"a/layer.tar"}}})}
	path := write(b, "big.tar", tarEntries(b, files, nil))
	b.SetBytes(int64(len(raw)))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		src, err := Open(context.Background(), "docker-archive:"+path, Options{})
		if err != nil {
			b.Fatal(err)
		}
		img, err := src.Image("linux", "amd64", "")
		if err != nil {
			b.Fatal(err)
		}
		if err := Check(context.Background(), img); err != nil {
			b.Fatal(err)
		}
		src.Close()
	}
}
