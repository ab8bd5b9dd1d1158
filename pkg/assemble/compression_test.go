package assemble

import (
	"testing"

	"github.com/leve-build/leve/pkg/deflate"
)

func TestParseCompression(t *testing.T) {
	for _, tc := range []struct {
		in, err string
		want    Compression
	}{
		{"", "", GzipCompression},
		{"gzip", "", GzipCompression},
		{"zstd", "", ZstdCompression},
		{"xz", `compression "xz": want gzip or zstd`, 0},
		{"GZIP", `compression "GZIP": want gzip or zstd`, 0},
	} {
		got, err := ParseCompression(tc.in)
		if tc.err != "" {
			if err == nil || err.Error() != tc.err {
				t.Errorf("ParseCompression(%q) = %v, %v; want error %q", tc.in, got, err, tc.err)
			}
			continue
		}
		if err != nil || got != tc.want || (tc.in != "" && got.String() != tc.in) {
			t.Errorf("ParseCompression(%q) = %v, %v; want %v", tc.in, got, err, tc.want)
		}
	}
}

func TestParseLevel(t *testing.T) {
	for _, tc := range []struct {
		in, err string
		want    deflate.Level
	}{
		{"", "", deflate.Default},
		{"fast", "", deflate.Fast},
		{"default", "", deflate.Default},
		{"max", "", deflate.Max},
		{"9", `compression level "9": want fast, default or max`, 0},
	} {
		got, err := ParseLevel(tc.in)
		if tc.err != "" {
			if err == nil || err.Error() != tc.err {
				t.Errorf("ParseLevel(%q) = %v, %v; want error %q", tc.in, got, err, tc.err)
			}
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("ParseLevel(%q) = %v, %v; want %v", tc.in, got, err, tc.want)
		}
	}
}
