package pack

import (
	"bytes"
	"context"
	"debug/elf"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"testing"
	"time"

	"github.com/leve-build/leve/pkg/pack/bcj"
)

// TestStubAMD64Decode compiles the stub's filter decoders (stub/bcj.h) for
// the host and checks that they undo bcj.AMD64Encode exactly as
// bcj.AMD64Decode does: on inputs dense in the opcodes, ModRM bytes and
// E8/E9 bytes the filter looks at, of every small size, and on the code of
// a Go program.
func TestStubAMD64Decode(t *testing.T) {
	if runtime.GOARCH != "amd64" {
		t.Skip("the stub's x86 decoders are compiled only for amd64")
	}
	clang := needTool(t, "clang")
	bin := filepath.Join(t.TempDir(), "filter_host")
	if out, err := exec.Command(clang, "-O1", "-Wall", "-Werror", "-Wno-unused-function",
		"-Istub", "-o", bin, "testdata/filter_host.c").CombinedOutput(); err != nil {
		t.Fatalf("compiling testdata/filter_host.c: %v\n%s", err, out)
	}
	r := rand.New(rand.NewPCG(4, 5))
	special := []byte{0x05, 0x0D, 0x48, 0x4C, 0x0F, 0x8B, 0x89, 0x8D, 0x80, 0x81, 0xC7, 0x10, 0xE8, 0xE9, 0x00, 0xFF}
	var inputs [][]byte
	for n := range 40 {
		for range 8 {
			b := make([]byte, n)
			for i := range b {
				if r.IntN(4) == 0 {
					b[i] = byte(r.Uint32())
				} else {
					b[i] = special[r.IntN(len(special))]
				}
			}
			inputs = append(inputs, b)
		}
	}
	big := make([]byte, 1<<18)
	for i := range big {
		if r.IntN(3) == 0 {
			big[i] = byte(r.Uint32())
		} else {
			big[i] = special[r.IntN(len(special))]
		}
	}
	inputs = append(inputs, big)
	f, err := elf.Open(goBinary(t, "hello", helloSource, "amd64"))
	if err != nil {
		t.Fatal(err)
	}
	text, err := f.Section(".text").Data()
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	inputs = append(inputs, text)

	for k, in := range inputs {
		start := r.Uint32()
		if k == len(inputs)-1 {
			start = 0x1000
		}
		enc := bytes.Clone(in)
		bcj.AMD64Encode(enc, start)
		ctx, cancel := context.WithTimeout(t.Context(), time.Minute) // a looping decoder fails
		cmd := exec.CommandContext(ctx, bin, strconv.FormatUint(uint64(start), 10))
		cmd.Stdin = bytes.NewReader(enc)
		cmd.Stderr = os.Stderr
		got, err := cmd.Output()
		cancel()
		if err != nil {
			t.Fatalf("filter_host: %v", err)
		}
		if !bytes.Equal(got, in) {
			t.Fatalf("the stub's decoders do not undo AMD64Encode on input %d (%d bytes, start %#x)", k, len(in), start)
		}
	}
}
