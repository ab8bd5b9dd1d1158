package assemble

import (
	"bytes"
	"compress/gzip"
	"io"
	"testing"

	"github.com/klauspost/compress/zstd"
)

func TestCompressors(t *testing.T) {
	tb, err := Tar([]Entry{{Path: "/app/x", Mode: 0o755, Data: bytes.Repeat([]byte("leve é leve; "), 5000)}})
	if err != nil {
		t.Fatal(err)
	}
	for _, alg := range []string{"gzip", "zstd"} {
		for _, level := range []string{"fast", "default", "max"} {
			c, err := ChooseCompressor(alg, level)
			if err != nil {
				t.Fatal(err)
			}
			a, err := c.Compress(tb)
			if err != nil {
				t.Fatal(err)
			}
			b, _ := c.Compress(tb)
			if !bytes.Equal(a, b) {
				t.Errorf("%s: two compressions differ", c.Name())
			}
			var r io.Reader
			if alg == "gzip" {
				r, err = gzip.NewReader(bytes.NewReader(a))
			} else {
				var d *zstd.Decoder
				d, err = zstd.NewReader(bytes.NewReader(a))
				r = d
			}
			if err != nil {
				t.Fatalf("%s: %v", c.Name(), err)
			}
			got, err := io.ReadAll(r)
			if err != nil || !bytes.Equal(got, tb) {
				t.Errorf("%s does not round trip: %v", c.Name(), err)
			}
			if len(a) >= len(tb)/10 {
				t.Errorf("%s: %d bytes of %d, want a tenth at most on repetitive input", c.Name(), len(a), len(tb))
			}
		}
	}
	for _, bad := range [][2]string{{"xz", "default"}, {"gzip", "9"}} {
		if _, err := ChooseCompressor(bad[0], bad[1]); err == nil {
			t.Errorf("ChooseCompressor(%q, %q) succeeded", bad[0], bad[1])
		}
	}
}
