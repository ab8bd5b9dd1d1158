package compile

import (
	"context"
	"errors"
	"os"
	"testing"

	"github.com/leve-build/leve/pkg/cache"
	"github.com/leve-build/leve/pkg/platform"
)

// TestReadFileHandsOverBuildBytes checks that the first ReadFile after
// Build returns the bytes Build hashed without reading the file again (a
// file damaged meanwhile does not show), and that the next ReadFile reads
// and checks the file.
func TestReadFileHandsOverBuildBytes(t *testing.T) {
	ctx := context.Background()
	pkg := hiPackage(t)
	bin, err := Build(ctx, pkg, t.TempDir(), Options{Platform: platform.Default})
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(bin.Path, []byte("damaged"), 0o755); err != nil {
		t.Fatal(err)
	}
	got, err := bin.ReadFile(ctx)
	if err != nil {
		t.Fatalf("first ReadFile: %v, want the bytes Build read", err)
	}
	if d := cache.Digest(got); d != bin.Digest || int64(len(got)) != bin.Size {
		t.Errorf("first ReadFile gave %d bytes with digest %s, want %d with %s", len(got), d, bin.Size, bin.Digest)
	}
	if _, err := bin.ReadFile(ctx); !errors.Is(err, cache.ErrMismatch) {
		t.Errorf("second ReadFile of the damaged file: %v, want ErrMismatch", err)
	}
}
