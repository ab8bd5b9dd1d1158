package pack

import (
	"bytes"
	"context"
	"debug/buildinfo"
	"debug/elf"
	"encoding/binary"
	"errors"
	"os"
	"strings"
	"testing"
)

func TestPackUnpackRoundTrip(t *testing.T) {
	for _, arch := range []string{"amd64", "arm64"} {
		t.Run(arch, func(t *testing.T) {
			orig := goBinary(t, "hello", helloSource, arch)
			in, err := os.ReadFile(orig)
			if err != nil {
				t.Fatal(err)
			}
			before := bytes.Clone(in)
			packed, err := os.ReadFile(packedFile(t, orig, true))
			if err != nil {
				t.Fatal(err)
			}
			got, err := Unpack(packed)
			if err != nil {
				t.Fatalf("Unpack() error: %v", err)
			}
			if !bytes.Equal(got, in) {
				t.Errorf("Unpack(Pack(hello)) differs from hello")
			}
			if !bytes.Equal(in, before) {
				t.Errorf("Pack modified its input")
			}
			if !IsPacked(bytes.NewReader(packed), int64(len(packed))) || IsPacked(bytes.NewReader(in), int64(len(in))) {
				t.Errorf("IsPacked(packed), IsPacked(original) = wrong")
			}
			f, err := Open(bytes.NewReader(packed), int64(len(packed)))
			if err != nil || f.Arch != arch {
				t.Fatalf("Open() = %+v, %v; want arch %s", f, err, arch)
			}
			// The bar: smaller than UPX 4.2.3 --best --lzma (598,320 B on amd64).
			if arch == "amd64" && len(packed) >= 598320 {
				t.Errorf("packed hello is %d bytes, want < 598,320 (UPX)", len(packed))
			}
			if n := StubSize(arch); n > stubLimit[arch] {
				t.Errorf("StubSize(%s) = %d, want <= %d", arch, n, stubLimit[arch])
			}
		})
	}
}

func TestPackKeepsBuildInfo(t *testing.T) {
	for _, arch := range []string{"amd64", "arm64"} {
		orig := goBinary(t, "hello", helloSource, arch)
		want, err := buildinfo.ReadFile(orig)
		if err != nil {
			t.Fatal(err)
		}
		got, err := buildinfo.ReadFile(packedFile(t, orig, true))
		if err != nil {
			t.Fatalf("%s: buildinfo.ReadFile(packed) error: %v", arch, err)
		}
		if got.String() != want.String() {
			t.Errorf("%s: buildinfo of packed file =\n%s\nwant\n%s", arch, got, want)
		}
		// The packed file is still a well-formed ELF file.
		f, err := elf.Open(packedFile(t, orig, true))
		if err != nil {
			t.Fatalf("elf.Open(packed): %v", err)
		}
		f.Close()
	}
}

func TestPackRefuses(t *testing.T) {
	hello, err := os.ReadFile(goBinary(t, "hello", helloSource, "amd64"))
	if err != nil {
		t.Fatal(err)
	}
	packed, err := os.ReadFile(packedFile(t, goBinary(t, "hello", helloSource, "amd64"), true))
	if err != nil {
		t.Fatal(err)
	}
	dynamic, _ := os.ReadFile("/bin/true")
	i386 := bytes.Clone(hello)
	i386[18] = byte(elf.EM_386)
	class32 := bytes.Clone(hello)
	class32[4] = byte(elf.ELFCLASS32)
	for _, tc := range []struct {
		name string
		in   []byte
		want string
	}{
		{"not ELF", []byte("#!/bin/sh\necho hi\n"), "not an ELF executable"},
		{"empty", nil, "not an ELF executable"},
		{"dynamic", dynamic, "dynamically linked (interpreter \"/lib"},
		{"i386 machine", i386, "architecture EM_386"},
		{"32-bit", class32, "not an ELF executable"},
		{"already packed", packed, "already packed"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.in == nil && tc.name != "empty" {
				t.Skip("input not available on this system")
			}
			_, _, err := Pack(context.Background(), tc.in)
			if !errors.Is(err, ErrUnsupported) || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("Pack(%s) = %v, want ErrUnsupported containing %q", tc.name, err, tc.want)
			}
		})
	}
}

func TestPackReaderAtAndContext(t *testing.T) {
	hello, err := os.ReadFile(goBinary(t, "hello", helloSource, "amd64"))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, _, err := Pack(ctx, bytes.NewReader(hello)); !errors.Is(err, context.Canceled) {
		t.Errorf("Pack(cancelled ctx) = %v, want context.Canceled", err)
	}
	if _, _, err := Pack(context.Background(), "a string"); !errors.Is(err, ErrUnsupported) {
		t.Errorf("Pack(string) = %v, want ErrUnsupported", err)
	}
}

func TestOpenRejects(t *testing.T) {
	packed, err := os.ReadFile(packedFile(t, goBinary(t, "hello", helloSource, "amd64"), true))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Open(bytes.NewReader(packed[:len(packed)-1]), int64(len(packed)-1)); !errors.Is(err, ErrNotPacked) {
		t.Errorf("Open(truncated) = %v, want ErrNotPacked", err)
	}
	corrupt := bytes.Clone(packed)
	corrupt[len(corrupt)/2] ^= 0x55
	if _, err := Unpack(corrupt); !errors.Is(err, ErrCorrupt) {
		t.Errorf("Unpack(corrupt payload) = %v, want ErrCorrupt", err)
	}
}

func TestPackRefusesExecAtZero(t *testing.T) {
	exe := tinyELFType("amd64", elf.ET_EXEC)
	// Move the segment and entry point to address 0.
	binary.LittleEndian.PutUint64(exe[24:], ehdrSize+phdrSize)
	binary.LittleEndian.PutUint64(exe[ehdrSize+16:], 0)
	binary.LittleEndian.PutUint64(exe[ehdrSize+24:], 0)
	if _, _, err := Pack(context.Background(), exe); !errors.Is(err, ErrUnsupported) || !strings.Contains(err.Error(), "below the lowest address") {
		t.Errorf("Pack(ET_EXEC at 0) = %v, want ErrUnsupported naming the address", err)
	}
}
