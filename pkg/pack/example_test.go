package pack_test

import (
	"bytes"
	"context"
	"fmt"
	"os"

	"github.com/leve-build/leve/pkg/pack"
)

// Pack a static executable, then recover it from the packed file.
func Example() {
	exe, err := os.ReadFile("/path/to/static-go-program")
	if err != nil {
		fmt.Println("no executable to pack here")
		return
	}
	packed, stats, err := pack.Pack(context.Background(), exe)
	if err != nil {
		fmt.Println(err) // e.g. "cannot pack: dynamically linked (interpreter ...)"
		return
	}
	fmt.Printf("%s: %d -> %d bytes\n", stats.Arch, stats.OriginalSize, stats.PackedSize)
	if err := os.WriteFile("program.packed", packed, 0o755); err != nil {
		fmt.Println(err)
		return
	}
	orig, err := pack.Unpack(packed)
	fmt.Println(bytes.Equal(orig, exe), err)
	// Output: no executable to pack here
}

// Open reads the trailer of a packed file without decompressing it.
func ExampleOpen() {
	f, err := pack.Open(bytes.NewReader([]byte("not packed")), 10)
	fmt.Println(f, err)
	// Output: <nil> not a leve packed executable
}
