package deflate_test

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"log"

	"github.com/leve-build/leve/pkg/deflate"
)

func Example() {
	layer := bytes.Repeat([]byte("a layer is a tar of the binary; "), 1000)
	gz, err := deflate.Gzip(nil, layer, deflate.Default)
	if err != nil {
		log.Fatal(err)
	}
	// Any gzip reader accepts the result.
	zr, err := gzip.NewReader(bytes.NewReader(gz))
	if err != nil {
		log.Fatal(err)
	}
	out, err := io.ReadAll(zr)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(bytes.Equal(out, layer), len(gz) < len(layer)/100)
	// Output: true true
}
