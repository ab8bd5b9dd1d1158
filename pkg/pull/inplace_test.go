package pull

import (
	"archive/tar"
	"bytes"
	"context"
	"os"
	"path/filepath"
	"runtime"
	"testing"

	v1 "github.com/google/go-containerregistry/pkg/v1"
)

// TestArchiveReadInPlace opens and checks a docker save archive with a
// 32 MiB layer and measures what the reads allocate: far less than the
// layer, since the archive is read where it lies, never extracted.
func TestArchiveReadInPlace(t *testing.T) {
	if testing.Short() {
		t.Skip("writes a 32 MiB archive")
	}
	const size = 32 << 20
	var layer bytes.Buffer
	tw := tar.NewWriter(&layer)
	tw.WriteHeader(&tar.Header{Name: "big", Typeflag: tar.TypeReg, Mode: 0o644, Size: size})
	chunk := bytes.Repeat([]byte("0123456789abcdef"), 4096)
	for n := 0; n < size; n += len(chunk) {
		tw.Write(chunk)
	}
	tw.Close()
	f := fixture{layers: [][]byte{layer.Bytes()}}
	f.diffIDs = []v1.Hash{sha(layer.Bytes())}
	f.config = jsonOf(t, map[string]any{"os": "linux", "architecture": "amd64", "rootfs": map[string]any{"type": "layers", "diff_ids": f.diffIDs}})
	f.cfgHash = sha(f.config)
	files := map[string][]byte{f.cfgHash.Hex + ".json": f.config, "a/layer.tar": layer.Bytes(),
		"manifest.json": jsonOf(t, []map[string]any{{"Config": f.cfgHash.Hex + ".json", "Layers": []string{"a/layer.tar"}}})}
	path := filepath.Join(t.TempDir(), "big.tar")
	if err := os.WriteFile(path, tarEntries(t, files, nil), 0o644); err != nil {
		t.Fatal(err)
	}
	layer, files = bytes.Buffer{}, nil
	f.layers = nil
	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	img, err := openImage(t, "docker-archive:"+path)
	if err != nil {
		t.Fatal(err)
	}
	if err := Check(context.Background(), img); err != nil {
		t.Fatal(err)
	}
	runtime.ReadMemStats(&after)
	got := after.TotalAlloc - before.TotalAlloc
	t.Logf("opening and checking allocated %d bytes", got)
	if got > size/8 {
		t.Errorf("opening and checking a %d-byte layer allocated %d bytes, want under %d: the archive is read in place", size, got, size/8)
	}
}
