package pack

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// BenchmarkPack measures packing the stripped hello binary of
// examples/hello with the default settings.
func BenchmarkPack(b *testing.B) {
	if testing.Short() {
		b.Skip("builds examples/hello with the go command")
	}
	out := filepath.Join(b.TempDir(), "hello")
	cmd := exec.Command("go", "build", "-trimpath", "-ldflags=-s -w -buildid=", "-o", out, ".")
	cmd.Dir = filepath.Join("..", "..", "examples", "hello")
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOOS=linux", "GOARCH=amd64")
	if msg, err := cmd.CombinedOutput(); err != nil {
		b.Fatalf("building examples/hello: %v\n%s", err, msg)
	}
	bin, err := os.ReadFile(out)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(bin)))
	b.ReportAllocs()
	var packed []byte
	for b.Loop() {
		if packed, _, err = Pack(context.Background(), bin); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(packed)), "packed-bytes")
}
