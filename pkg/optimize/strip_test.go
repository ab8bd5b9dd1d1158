package optimize

import (
	"bytes"
	"debug/buildinfo"
	"debug/elf"
	"errors"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"testing"

	"github.com/leve-build/leve/internal/testutil"
)

func TestStripMatchesLinker(t *testing.T) {
	for _, arch := range []string{"amd64", "arm64", "386", "arm"} {
		t.Run(arch, func(t *testing.T) {
			dir := testutil.Module(t, map[string]string{"main.go": testutil.Hello})
			full := testutil.GoBuild(t, dir, arch)
			linker := testutil.GoBuild(t, dir, arch, "-ldflags=-s -w")
			in, err := os.ReadFile(full)
			if err != nil {
				t.Fatal(err)
			}
			orig := bytes.Clone(in)
			out, res, err := Strip(in)
			if err != nil {
				t.Fatalf("Strip: %v", err)
			}
			if !bytes.Equal(in, orig) {
				t.Fatal("Strip modified its input")
			}
			if again, ares, err := StripInPlace(bytes.Clone(in)); err != nil || !bytes.Equal(again, out) || ares.After != res.After || ares.Before != res.Before {
				t.Errorf("StripInPlace = %d B (%+v), %v; want Strip's %d B", len(again), ares, err, len(out))
			}
			want, _ := os.ReadFile(linker)
			if len(out) > len(want) {
				t.Errorf("Strip size = %d, want <= %d (linker -s -w)", len(out), len(want))
			}
			if res.Before != int64(len(in)) || res.After != int64(len(out)) || len(res.Removed) == 0 {
				t.Errorf("Strip result = %+v, want before %d after %d and removed sections", res, len(in), len(out))
			}
			f, err := elf.NewFile(bytes.NewReader(out))
			if err != nil {
				t.Fatalf("stripped file does not parse: %v", err)
			}
			for _, s := range f.Sections {
				if s.Type == elf.SHT_SYMTAB || strings.HasPrefix(s.Name, ".debug") {
					t.Errorf("stripped file still has %s", s.Name)
				}
			}
			// Every loaded byte is the same as in the linker's stripped build,
			// except the Go build ID note, which hashes the link flags.
			wf, _ := elf.NewFile(bytes.NewReader(want))
			for _, name := range []string{".text", ".rodata", ".gopclntab", ".data", ".noptrdata", ".go.buildinfo"} {
				a, b := f.Section(name), wf.Section(name)
				if a == nil || b == nil {
					continue
				}
				da, _ := a.Data()
				db, _ := b.Data()
				if !bytes.Equal(da, db) {
					t.Errorf("section %s differs from the linker's -s -w build", name)
				}
			}
			if _, err := buildinfo.Read(bytes.NewReader(out)); err != nil {
				t.Errorf("build info unreadable after Strip: %v", err)
			}
			if arch == runtime.GOARCH && runtime.GOOS == "linux" {
				p := t.TempDir() + "/stripped"
				os.WriteFile(p, out, 0o755)
				cmd := exec.Command(p)
				cmd.Stdin = strings.NewReader("João\n")
				got, err := cmd.Output()
				if err != nil || !strings.Contains(string(got), "Oi, João") {
					t.Errorf("stripped binary ran with %v and printed %q", err, got)
				}
			}
			again, res2, err := Strip(out)
			if err != nil || !bytes.Equal(again, out) || len(res2.Removed) != 0 {
				t.Errorf("Strip of a stripped file changed it (err %v, removed %v)", err, res2.Removed)
			}
		})
	}
}

func TestStripRejectsNonELF(t *testing.T) {
	for _, in := range [][]byte{nil, []byte("#!/bin/sh\necho hi\n"), []byte("\x7fELF")} {
		if _, _, err := Strip(in); !errors.Is(err, ErrNotELF) {
			t.Errorf("Strip(%q) error = %v, want ErrNotELF", in, err)
		}
	}
}

func FuzzStrip(f *testing.F) {
	f.Add([]byte("\x7fELF\x02\x01\x01"))
	if b, err := os.ReadFile("/bin/true"); err == nil {
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		out, _, err := Strip(in)
		if err == nil {
			if _, err := elf.NewFile(bytes.NewReader(out)); err != nil {
				t.Fatalf("Strip produced an unparsable file: %v", err)
			}
		}
	})
}
