package bcj_test

import (
	"bytes"
	"fmt"

	"github.com/leve-build/leve/pkg/pack/bcj"
)

func ExampleFilter() {
	// call +0x10, then lea rax, [rip+0x20], at file offset 0x1000
	code := []byte{0xE8, 0x10, 0, 0, 0, 0x48, 0x8D, 0x05, 0x20, 0, 0, 0, 0x90, 0x90, 0x90, 0x90}
	orig := bytes.Clone(code)

	f := bcj.AMD64
	f.Encode(code, 0x1000)
	fmt.Printf("% x\n", code[:12])
	f.Decode(code, 0x1000)
	fmt.Println(bytes.Equal(code, orig))
	// Output:
	// e8 15 10 00 00 48 8d 05 00 00 10 2c
	// true
}
