package pull

import (
	"context"
	"os"
	"path/filepath"
	"testing"
)

// FuzzArchive opens arbitrary bytes as a docker-archive (a tar read in
// place: manifest.json, index.json, links) and reads what opens: it must
// never panic, and every failure is an error.
func FuzzArchive(f *testing.F) {
	fx := sizedFixture(f, "amd64", 3)
	f.Add(fx.legacy(f))
	f.Add(fx.docker25(f))
	f.Add(fx.containerd(f))
	f.Add(fx.leveTarball(f))
	f.Add(tarEntries(f, map[string][]byte{"manifest.json": []byte(`[{"Config":"c.json","Layers":["a/layer.tar"]}]`), "c.json": []byte(`{}`)}, map[string]string{"a/layer.tar": "../a/layer.tar"}))
	f.Add([]byte("not a tar"))
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, b []byte) {
		p := filepath.Join(dir, "fuzz.tar")
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		src, err := Open(context.Background(), "docker-archive:"+p, Options{})
		if err != nil {
			return
		}
		defer src.Close()
		if _, err := src.Platforms(); err != nil {
			return
		}
		img, err := src.Image("linux", "amd64", "")
		if err != nil {
			return
		}
		Layers(context.Background(), img)
	})
}
