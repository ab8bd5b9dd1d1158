package atomicfile

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func write(s string) func(io.Writer) error {
	return func(w io.Writer) error {
		_, err := io.WriteString(w, s)
		return err
	}
}

func entries(t *testing.T, dir string) []string {
	t.Helper()
	es, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range es {
		names = append(names, e.Name())
	}
	return names
}

func TestCheckDir(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "f")
	if err := os.WriteFile(file, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := CheckDir(filepath.Join(dir, "x.tar")); err != nil {
		t.Errorf("CheckDir in an existing directory: %v", err)
	}
	missing := filepath.Join(dir, "a", "b")
	err := CheckDir(filepath.Join(missing, "x.tar"))
	if !errors.Is(err, ErrNoDir) || !strings.Contains(err.Error(), "mkdir -p "+missing) {
		t.Errorf("CheckDir under a missing directory = %v, want ErrNoDir naming mkdir -p %s", err, missing)
	}
	if err := CheckDir(filepath.Join(file, "x.tar")); err == nil || errors.Is(err, ErrNoDir) || !strings.Contains(err.Error(), "not a directory") {
		t.Errorf("CheckDir under a file = %v, want \"not a directory\"", err)
	}
}

func TestCreateRefusesMissingParent(t *testing.T) {
	dir := t.TempDir()
	err := Create(filepath.Join(dir, "a", "b", "x"), 0o644, write("x"))
	if !errors.Is(err, ErrNoDir) {
		t.Errorf("Create under a missing directory = %v, want ErrNoDir", err)
	}
	if got := entries(t, dir); len(got) != 0 {
		t.Errorf("Create under a missing directory left %v", got)
	}
}

func TestWriteCreatesParents(t *testing.T) {
	p := filepath.Join(t.TempDir(), "a", "b", "x")
	if err := WriteFile(p, []byte("data"), 0o600); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(p)
	if err != nil || string(b) != "data" {
		t.Fatalf("read back %q, %v", b, err)
	}
	if fi, _ := os.Stat(p); fi.Mode().Perm() != 0o600 {
		t.Errorf("mode %v, want 0600", fi.Mode().Perm())
	}
}

func TestStageCommitAbort(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "out")
	if err := os.WriteFile(p, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	pending, err := Stage(p, 0o644, write("new"))
	if err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(p); string(b) != "old" {
		t.Errorf("after Stage the destination holds %q, want the old content", b)
	}
	if got := entries(t, dir); len(got) != 2 || !strings.HasPrefix(got[0], TempPrefix) {
		t.Errorf("after Stage the directory holds %v, want a %s file and out", got, TempPrefix)
	}
	pending.Abort()
	if got := entries(t, dir); len(got) != 1 {
		t.Errorf("after Abort the directory holds %v, want only out", got)
	}
	if err := pending.Commit(); err != nil {
		t.Errorf("Commit after Abort: %v, want nothing done", err)
	}
	if b, _ := os.ReadFile(p); string(b) != "old" {
		t.Errorf("Commit after Abort changed the destination to %q", b)
	}

	pending, err = Stage(p, 0o644, write("new"))
	if err != nil {
		t.Fatal(err)
	}
	if err := pending.Commit(); err != nil {
		t.Fatal(err)
	}
	pending.Abort()
	if b, _ := os.ReadFile(p); string(b) != "new" {
		t.Errorf("after Commit the destination holds %q, want new", b)
	}
	if got := entries(t, dir); len(got) != 1 {
		t.Errorf("after Commit the directory holds %v, want only out", got)
	}
}

func TestStageFillErrorLeavesNothing(t *testing.T) {
	dir := t.TempDir()
	boom := errors.New("boom")
	_, err := Stage(filepath.Join(dir, "out"), 0o644, func(w io.Writer) error {
		io.WriteString(w, "partial")
		return boom
	})
	if !errors.Is(err, boom) {
		t.Errorf("Stage = %v, want the fill error", err)
	}
	if got := entries(t, dir); len(got) != 0 {
		t.Errorf("a failed Stage left %v", got)
	}
}
