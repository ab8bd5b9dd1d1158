package e2e

import (
	"archive/tar"
	"compress/gzip"
	"debug/buildinfo"
	"debug/elf"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestCompileFlags checks the compile and optimize stages through the image
// they produce: --ldflags, --tags and --gcflags reach go build, the binary is
// stripped unless --no-strip, and its Go build info stays readable.
func TestCompileFlags(t *testing.T) {
	src := filepath.Join(t.TempDir(), "versioned")
	writeFiles(t, src, map[string]string{
		"go.mod":   "module example.com/versioned\n\ngo 1.26\n",
		"main.go":  "package main\n\nimport \"fmt\"\n\nvar version = \"dev\"\n\nvar extra string\n\nfunc main() { fmt.Println(version + extra) }\n",
		"extra.go": "//go:build loud\n\npackage main\n\nfunc init() { extra = \"!\" }\n",
	})
	tests := []struct {
		name     string
		flags    []string
		output   string // what the program prints
		stripped bool
	}{
		{"defaults", nil, "dev", true},
		{"ldflags", []string{"--ldflags", "-X main.version=1.2"}, "1.2", true},
		{"tags", []string{"--tags", "loud"}, "dev!", true},
		{"gcflags", []string{"--gcflags", "-N -l"}, "dev", true},
		{"no-strip", []string{"--no-strip"}, "dev", false},
	}
	var defaultExe []byte // the binary built with no flags, built first
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "layout")
			r := runLeve(t, "", nil, append(append([]string{"build", "-o", out}, tt.flags...), src)...)
			if r.code != 0 {
				t.Fatalf("leve build %s: %s", strings.Join(tt.flags, " "), r)
			}
			exe := filepath.Join(t.TempDir(), "versioned")
			data := imageFile(t, out, "latest", "app/versioned")
			if err := os.WriteFile(exe, data, 0o755); err != nil {
				t.Fatal(err)
			}
			switch {
			case tt.flags == nil:
				defaultExe = data
			case defaultExe != nil && string(data) == string(defaultExe):
				t.Errorf("leve build %s made the same binary as leve build with no flags", strings.Join(tt.flags, " "))
			}
			if r := mustRun(t, "", "", nil, exe); strings.TrimSpace(r.stdout) != tt.output {
				t.Errorf("/app/versioned printed %q, want %q", r.stdout, tt.output)
			}
			f, err := elf.Open(exe)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			if got := f.Section(".symtab") == nil && f.Section(".debug_info") == nil; got != tt.stripped {
				t.Errorf("/app/versioned stripped = %v, want %v", got, tt.stripped)
			}
			if _, err := f.DynamicSymbols(); !errors.Is(err, elf.ErrNoSymbols) {
				t.Errorf("/app/versioned has dynamic symbols (%v), want a static binary", err)
			}
			bi, err := buildinfo.ReadFile(exe)
			if err != nil {
				t.Fatalf("reading the build info of /app/versioned: %v", err)
			}
			if bi.Main.Path != "example.com/versioned" {
				t.Errorf("/app/versioned build info main module = %q, want example.com/versioned", bi.Main.Path)
			}
			for _, s := range bi.Settings {
				if s.Key == "CGO_ENABLED" && s.Value != "0" || s.Key == "-trimpath" && s.Value != "true" {
					t.Errorf("/app/versioned was built with %s=%s", s.Key, s.Value)
				}
			}
		})
	}
}

// imageFile returns the content of the file at path (no leading slash) in
// the image tag of the OCI layout dir, read from its layers (the last layer
// holding it wins).
func imageFile(t *testing.T, dir, tag, path string) []byte {
	t.Helper()
	d := findTag(t, dir, tag)
	var m struct {
		Layers []descriptor `json:"layers"`
	}
	if err := json.Unmarshal(readBlob(t, dir, d.Digest), &m); err != nil {
		t.Fatal(err)
	}
	var found []byte
	for _, l := range m.Layers {
		zr, err := gzip.NewReader(strings.NewReader(string(readBlob(t, dir, l.Digest))))
		if err != nil {
			t.Fatalf("layer %s: %v", l.Digest, err)
		}
		tr := tar.NewReader(zr)
		for {
			h, err := tr.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatalf("layer %s: %v", l.Digest, err)
			}
			if strings.TrimPrefix(h.Name, "./") == path {
				if found, err = io.ReadAll(tr); err != nil {
					t.Fatal(err)
				}
			}
		}
	}
	if found == nil {
		t.Fatalf("no layer of %s:%s holds /%s", dir, tag, path)
	}
	return found
}

// readBlob reads the blob with digest d from the OCI layout dir.
func readBlob(t *testing.T, dir, d string) []byte {
	t.Helper()
	alg, hex, _ := strings.Cut(d, ":")
	data, err := os.ReadFile(filepath.Join(dir, "blobs", alg, hex))
	if err != nil {
		t.Fatalf("reading blob %s: %v", d, err)
	}
	return data
}
