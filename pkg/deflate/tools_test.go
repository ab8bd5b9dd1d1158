package deflate

import (
	"bytes"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"testing"

	kgzip "github.com/klauspost/compress/gzip"
)

// needTool returns the path of an external tool, skipping the test when it
// is missing, unless CI=true, where a missing tool fails the test.
func needTool(t *testing.T, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s is required in CI: %v", name, err)
		}
		t.Skipf("%s not installed (install it to check leve's gzip against it): %v", name, err)
	}
	return p
}

// toolCases are the inputs checked against external decoders.
func toolCases(t *testing.T) map[string][]byte {
	in := inputs(t)
	m := map[string][]byte{}
	for _, k := range []string{"empty", "one", "text", "random", "mixed", "len262145", "hello"} {
		if b, ok := in[k]; ok {
			m[k] = b
		}
	}
	return m
}

func TestExternalDecoders(t *testing.T) {
	dir := t.TempDir()
	type decoder struct {
		name string
		args []string
	}
	decoders := []decoder{
		{"gzip", []string{"-dc"}},
		{"libdeflate-gunzip", []string{"-c"}},
	}
	for name, in := range toolCases(t) {
		for _, lvl := range levelsFor(name, in) {
			gz := compressed(t, name, in, lvl)
			f := filepath.Join(dir, name+"-"+lvl.String()+".gz")
			if err := os.WriteFile(f, gz, 0o644); err != nil {
				t.Fatal(err)
			}
			t.Run(name+"/"+lvl.String()+"/klauspost", func(t *testing.T) {
				zr, err := kgzip.NewReader(bytes.NewReader(gz))
				if err != nil {
					t.Fatal(err)
				}
				got, err := io.ReadAll(zr)
				if err != nil || !bytes.Equal(got, in) {
					t.Fatalf("klauspost gzip reading Gzip(%s, %v) = %d bytes, %v; want %d bytes", name, lvl, len(got), err, len(in))
				}
			})
			t.Run(name+"/"+lvl.String()+"/gzip-t", func(t *testing.T) {
				gzipPath := needTool(t, "gzip")
				if out, err := exec.Command(gzipPath, "-t", f).CombinedOutput(); err != nil {
					t.Fatalf("gzip -t %s: %v\n%s", f, err, out)
				}
			})
			for _, d := range decoders {
				t.Run(name+"/"+lvl.String()+"/"+d.name, func(t *testing.T) {
					p := needTool(t, d.name)
					var stderr bytes.Buffer
					cmd := exec.Command(p, append(d.args, f)...)
					cmd.Stderr = &stderr
					got, err := cmd.Output()
					if err != nil {
						t.Fatalf("%s %v %s: %v\n%s", d.name, d.args, f, err, stderr.Bytes())
					}
					if !bytes.Equal(got, in) {
						t.Fatalf("%s decoded %d bytes, want %d", d.name, len(got), len(in))
					}
				})
			}
		}
	}
}

func TestDeterministic(t *testing.T) {
	name, in := "mixed", inputs(t)["mixed"]
	if h := helloBinary(t); h != nil {
		name, in = "hello", h
	}
	for _, lvl := range []Level{Fast, Default} {
		a := compressed(t, name, in, lvl)
		prev := runtime.GOMAXPROCS(1)
		b, err := Gzip(nil, in, lvl)
		runtime.GOMAXPROCS(prev)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(a, b) {
			t.Errorf("Gzip(%v) differs between runs with different CPU counts: %d, %d bytes", lvl, len(a), len(b))
		}
	}
}

func TestHeader(t *testing.T) {
	gz, err := Gzip([]byte("prefix"), []byte("leve"), Default)
	if err != nil {
		t.Fatal(err)
	}
	want := []byte{'p', 'r', 'e', 'f', 'i', 'x', 0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 2, 255}
	if !bytes.HasPrefix(gz, want) {
		t.Errorf("Gzip header = % x, want % x", gz[:len(want)], want)
	}
	if got := gunzip(t, gz[6:]); string(got) != "leve" {
		t.Errorf("round trip = %q, want %q", got, "leve")
	}
}

func TestLevels(t *testing.T) {
	for _, s := range []string{"fast", "default", "max"} {
		l, err := ParseLevel(s)
		if err != nil || l.String() != s {
			t.Errorf("ParseLevel(%q) = %v, %v; want %s", s, l, err, s)
		}
	}
	if _, err := ParseLevel("best"); err == nil {
		t.Error(`ParseLevel("best") = nil error, want one`)
	}
	if _, err := Gzip(nil, []byte("x"), Level(7)); err == nil {
		t.Error("Gzip(Level(7)) = nil error, want one")
	}
	if _, err := Deflate(nil, nil, Level(0)); !errors.Is(err, ErrLevel) {
		t.Errorf("Deflate(Level(0)) error = %v, want ErrLevel", err)
	}
}
