package pack

import (
	"bytes"
	"context"
	"debug/elf"
	"encoding/binary"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// TestPackRefusesLargeInput checks that an input above MaxInputSize (here
// a Go executable with a 20 GiB sparse tail) is refused with ErrTooLarge
// before it is read, and that one at the limit is not refused for its size.
func TestPackRefusesLargeInput(t *testing.T) {
	src, err := os.ReadFile(goBinary(t, "hello", helloSource, "amd64"))
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "big")
	if err := os.WriteFile(path, src, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(path, 20<<30); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	_, _, err = Pack(context.Background(), f)
	runtime.ReadMemStats(&after)
	if !errors.Is(err, ErrTooLarge) {
		t.Fatalf("Pack(20 GiB file) = %v, want ErrTooLarge", err)
	}
	if msg := err.Error(); strings.Contains(msg, "\n") || !strings.Contains(msg, "20.00 GiB") || !strings.Contains(msg, "1 GiB") {
		t.Errorf("Pack(20 GiB file) error %q: want one line naming the size and the limit", msg)
	}
	if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 1<<20 {
		t.Errorf("Pack allocated %d bytes before refusing, want the input unread", alloc)
	}
	if err := CheckSize(MaxInputSize); err != nil {
		t.Errorf("CheckSize(MaxInputSize) = %v, want nil", err)
	}
	if err := CheckSize(MaxInputSize + 1); !errors.Is(err, ErrTooLarge) {
		t.Errorf("CheckSize(MaxInputSize+1) = %v, want ErrTooLarge", err)
	}
}

// TestOriginalRefusesLargeOriginal checks that a packed file whose trailer
// announces an original above MaxInputSize is refused before decoding.
func TestOriginalRefusesLargeOriginal(t *testing.T) {
	packed, err := os.ReadFile(packedFile(t, goBinary(t, "hello", helloSource, "amd64"), false))
	if err != nil {
		t.Fatal(err)
	}
	tb := packed[len(packed)-TrailerSize:]
	tr, err := parseTrailer(tb, int64(len(packed)))
	if err != nil {
		t.Fatal(err)
	}
	tr.OrigSize = 2 << 30
	b, _ := tr.MarshalBinary()
	copy(tb, b)
	_, err = Unpack(packed)
	if !errors.Is(err, ErrTooLarge) {
		t.Errorf("Unpack(original of 2 GiB) = %v, want ErrTooLarge", err)
	}
}

// TestPackRefusesPIE checks that a position-independent executable built
// without cgo (GOFLAGS=-buildmode=pie) is refused for what it is, never
// blamed on cgo.
func TestPackRefusesPIE(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "main.go"), []byte(helloSource), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "pie")
	cmd := exec.Command("go", "build", "-trimpath", "-o", out, "main.go")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOOS=linux", "GOARCH=amd64", "GO111MODULE=off", "GOFLAGS=-buildmode=pie")
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build -buildmode=pie: %v\n%s", err, b)
	}
	in, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	_, _, err = Pack(context.Background(), in)
	if !errors.Is(err, ErrUnsupported) {
		t.Fatalf("Pack(PIE) = %v, want ErrUnsupported", err)
	}
	if msg := err.Error(); !strings.Contains(msg, "-buildmode=pie") || !strings.Contains(msg, "GOFLAGS=") || strings.Contains(msg, "CGO_ENABLED") {
		t.Errorf("Pack(PIE) = %q: want it named a -buildmode=pie executable with the GOFLAGS fix, not blamed on cgo", msg)
	}
}

// TestPackRefusesSplitSegments checks that an executable whose segments
// lie at different distances from their file offsets, as external
// linkers may lay them out, is refused with that reason.
func TestPackRefusesSplitSegments(t *testing.T) {
	b, err := os.ReadFile(goBinary(t, "hello", helloSource, "amd64"))
	if err != nil {
		t.Fatal(err)
	}
	f, err := elf.NewFile(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	// Move the second PT_LOAD one page further from its offset: p_vaddr
	// and p_paddr of the 64-bit program header.
	phoff := binary.LittleEndian.Uint64(b[32:])
	loads := 0
	for i, p := range f.Progs {
		if p.Type != elf.PT_LOAD {
			continue
		}
		if loads++; loads == 2 {
			h := b[phoff+uint64(i)*56:]
			binary.LittleEndian.PutUint64(h[16:], p.Vaddr+0x1000)
			binary.LittleEndian.PutUint64(h[24:], p.Paddr+0x1000)
		}
	}
	_, err = inspect(b)
	if !errors.Is(err, ErrUnsupported) || !strings.Contains(err.Error(), "different distances") {
		t.Errorf("inspect(segments at two distances) = %v, want ErrUnsupported naming the layout", err)
	}
}
