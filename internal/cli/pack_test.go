package cli

import (
	"crypto/sha256"
	"debug/elf"
	"encoding/binary"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/leve-build/leve/pkg/pack"
)

// fileHash returns the SHA-256 of the file at path.
func fileHash(t *testing.T, path string) [32]byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return sha256.Sum256(b)
}

// smallProgram writes a small static linux/amd64 program to dir/app and
// returns its path.
func smallProgram(t *testing.T, dir string) string {
	t.Helper()
	return fixtureProgram(t, dir)
}

func TestPackDefaultOutput(t *testing.T) {
	if testing.Short() {
		t.Skip("packing takes seconds")
	}
	dir := t.TempDir()
	app := smallProgram(t, dir)
	before := fileHash(t, app)

	code, stdout, stderr := run(t, dir, "pack", "--fast", "app")
	if code != ExitOK {
		t.Fatalf("leve pack app = exit %d, stderr %q", code, stderr)
	}
	if stdout != "" {
		t.Errorf("leve pack without --json wrote %q to stdout", stdout)
	}
	fi, err := os.Stat(filepath.Join(dir, "app.packed"))
	if err != nil {
		t.Fatalf("leve pack app wrote no app.packed: %v", err)
	}
	if fi.Mode().Perm() != 0o755 || !fi.Mode().IsRegular() {
		t.Errorf("app.packed has mode %v, want -rwxr-xr-x", fi.Mode())
	}
	if fileHash(t, app) != before {
		t.Error("leve pack modified its input")
	}
	f, err := os.Open(filepath.Join(dir, "app.packed"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	p, err := pack.Open(f, fi.Size())
	if err != nil {
		t.Fatalf("pack.Open(app.packed): %v", err)
	}
	orig, err := p.Original()
	if err != nil || sha256.Sum256(orig) != before {
		t.Errorf("the original inside app.packed differs from app (%v)", err)
	}
	// No temporary file is left behind.
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 2 {
		var names []string
		for _, e := range entries {
			names = append(names, e.Name())
		}
		t.Errorf("directory holds %v, want only app and app.packed", names)
	}
}

func TestPackJSON(t *testing.T) {
	if testing.Short() {
		t.Skip("packing takes seconds")
	}
	dir := t.TempDir()
	app := smallProgram(t, dir)
	out := filepath.Join(dir, "out", "small")
	if err := os.Mkdir(filepath.Dir(out), 0o755); err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr := run(t, dir, "pack", "--fast", "--json", "-o", out, "app")
	if code != ExitOK {
		t.Fatalf("leve pack --json = exit %d, stderr %q", code, stderr)
	}
	var got struct {
		Input        string `json:"input"`
		Output       string `json:"output"`
		Arch         string `json:"arch"`
		OriginalSize int64  `json:"originalSize"`
		PackedSize   int64  `json:"packedSize"`
		StubSize     int64  `json:"stubSize"`
		Filter       string `json:"filter"`
	}
	if err := json.Unmarshal([]byte(stdout), &got); err != nil {
		t.Fatalf("leve pack --json stdout is not JSON: %v\n%s", err, stdout)
	}
	fi, err := os.Stat(out)
	if err != nil {
		t.Fatalf("leve pack -o %s wrote nothing: %v", out, err)
	}
	ai, _ := os.Stat(app)
	switch {
	case got.Input != "app" || got.Output != out:
		t.Errorf("input, output = %q, %q; want app, %q", got.Input, got.Output, out)
	case got.Arch != "amd64" || got.Filter != "amd64":
		t.Errorf("arch, filter = %q, %q; want amd64, amd64", got.Arch, got.Filter)
	case got.PackedSize != fi.Size() || got.OriginalSize != ai.Size():
		t.Errorf("packedSize, originalSize = %d, %d; want %d, %d", got.PackedSize, got.OriginalSize, fi.Size(), ai.Size())
	case got.StubSize != int64(pack.StubSize("amd64")):
		t.Errorf("stubSize = %d, want %d", got.StubSize, pack.StubSize("amd64"))
	}
	if _, err := os.Stat(filepath.Join(dir, "app.packed")); err == nil {
		t.Error("leve pack -o OUT also wrote app.packed")
	}
}

func TestPackNeverOverwritesInput(t *testing.T) {
	dir := t.TempDir()
	app := filepath.Join(dir, "app")
	if err := os.WriteFile(app, []byte("\x7fELF not really"), 0o755); err != nil {
		t.Fatal(err)
	}
	before := fileHash(t, app)
	if err := os.Symlink("app", filepath.Join(dir, "link")); err != nil {
		t.Fatal(err)
	}
	for _, out := range []string{"app", "./app", filepath.Join(dir, "app"), "link"} {
		code, stdout, stderr := run(t, dir, "pack", "-o", out, "app")
		if code != ExitUsage || !strings.Contains(stderr, "never overwrites its input") {
			t.Errorf("leve pack -o %s app = exit %d, stderr %q; want exit %d, the input named", out, code, stderr, ExitUsage)
		}
		if stdout != "" || strings.Count(strings.TrimSpace(stderr), "\n") != 0 {
			t.Errorf("leve pack -o %s app: stdout %q, stderr %q; want one line on stderr", out, stdout, stderr)
		}
		if fileHash(t, app) != before {
			t.Fatalf("leve pack -o %s app modified the input", out)
		}
	}
}

// dynamicExecutable returns the path of a dynamically linked executable of
// the host (one with a PT_INTERP program header), or skips.
func dynamicExecutable(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"true", "ls", "sh"} {
		p, err := exec.LookPath(name)
		if err != nil {
			continue
		}
		f, err := elf.Open(p)
		if err != nil {
			continue
		}
		for _, prog := range f.Progs {
			if prog.Type == elf.PT_INTERP {
				f.Close()
				return p
			}
		}
		f.Close()
	}
	t.Skip("no dynamically linked executable found on this host")
	return ""
}

// elfHeaderOnly returns a 64-byte linux/amd64 ELF executable header with
// no program header: a well-formed ELF file too small to hold a program.
func elfHeaderOnly() []byte {
	h := make([]byte, 64)
	copy(h, "\x7fELF\x02\x01\x01")
	le := binary.LittleEndian
	le.PutUint16(h[16:], uint16(elf.ET_EXEC))
	le.PutUint16(h[18:], uint16(elf.EM_X86_64))
	le.PutUint32(h[20:], 1)
	le.PutUint16(h[52:], 64) // e_ehsize
	return h
}

func TestPackRefusesWithReason(t *testing.T) {
	dir := t.TempDir()
	dyn, err := os.ReadFile(dynamicExecutable(t))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		data []byte
		want string
	}{
		{"script", []byte("#!/bin/sh\necho hi\n"), "not an ELF executable"},
		{"empty", nil, "not an ELF executable"},
		{"truncated ELF header", []byte("\x7fELF\x02\x01\x01"), "not an ELF executable"},
		{"ELF header only", elfHeaderOnly(), "no loadable segment"},
		{"dynamic", dyn, "dynamically linked"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := filepath.Join(dir, strings.ReplaceAll(tc.name, " ", "-"))
			if err := os.WriteFile(in, tc.data, 0o755); err != nil {
				t.Fatal(err)
			}
			before := fileHash(t, in)
			code, stdout, stderr := run(t, dir, "pack", in)
			if code != ExitError || !strings.Contains(stderr, tc.want) || !strings.Contains(stderr, filepath.Base(in)) {
				t.Errorf("leve pack %s = exit %d, stderr %q; want exit %d naming the file and %q", tc.name, code, stderr, ExitError, tc.want)
			}
			if stdout != "" || strings.Count(strings.TrimSpace(stderr), "\n") != 0 {
				t.Errorf("leve pack %s: stdout %q, stderr %q; want one line on stderr", tc.name, stdout, stderr)
			}
			if fileHash(t, in) != before {
				t.Errorf("leve pack %s modified the input", tc.name)
			}
			if _, err := os.Stat(in + ".packed"); err == nil {
				t.Errorf("leve pack %s wrote %s.packed", tc.name, tc.name)
			}
		})
	}
}
