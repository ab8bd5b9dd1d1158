package publish

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/leve-build/leve/internal/atomicfile"
)

// TestTarballStage stages a tarball over an existing file: the file keeps
// its content until Commit, Abort leaves only it, and Commit replaces it.
func TestTarballStage(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "img.tar")
	if err := os.WriteFile(p, []byte("earlier run"), 0o644); err != nil {
		t.Fatal(err)
	}
	img := randomImage(t)
	tb := Tarball{Path: p}
	ref := Ref{Name: "img", Tag: "1"}

	s, err := tb.Stage(context.Background(), img, ref)
	if err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(p); string(b) != "earlier run" {
		t.Errorf("after Stage the tarball holds %d new bytes, want the earlier content", len(b))
	}
	s.Abort()
	if es, _ := os.ReadDir(dir); len(es) != 1 {
		t.Errorf("after Abort the directory holds %d entries, want only the tarball", len(es))
	}
	if b, _ := os.ReadFile(p); string(b) != "earlier run" {
		t.Errorf("after Abort the tarball changed")
	}

	s, err = tb.Stage(context.Background(), img, ref)
	if err != nil {
		t.Fatal(err)
	}
	pub, err := s.Commit(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if pub.Kind != "tarball" || pub.Location != p || pub.Digest != digest(t, img) {
		t.Errorf("Commit = %+v, want the tarball %s holding %s", pub, p, digest(t, img))
	}
	untar(t, p, filepath.Join(t.TempDir(), "x"))
	if es, _ := os.ReadDir(dir); len(es) != 1 {
		t.Errorf("after Commit the directory holds %d entries, want only the tarball", len(es))
	}
}

// TestTarballMissingDir refuses a tarball whose directory does not exist
// and creates nothing.
func TestTarballMissingDir(t *testing.T) {
	dir := t.TempDir()
	_, err := Tarball{Path: filepath.Join(dir, "typo", "img.tar")}.Publish(context.Background(), randomImage(t), Ref{Name: "img", Tag: "1"})
	if !errors.Is(err, atomicfile.ErrNoDir) {
		t.Errorf("Publish under a missing directory = %v, want atomicfile.ErrNoDir", err)
	}
	if es, _ := os.ReadDir(dir); len(es) != 0 {
		t.Errorf("Publish under a missing directory created %d entries", len(es))
	}
}

// TestTarballStageCancelled stops writing when the context is done and
// leaves nothing behind.
func TestTarballStageCancelled(t *testing.T) {
	dir := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := (Tarball{Path: filepath.Join(dir, "img.tar")}).Stage(ctx, randomImage(t), Ref{Name: "img", Tag: "1"}); !errors.Is(err, context.Canceled) {
		t.Errorf("Stage with a cancelled context = %v, want context.Canceled", err)
	}
	if es, _ := os.ReadDir(dir); len(es) != 0 {
		t.Errorf("a cancelled Stage left %d entries", len(es))
	}
}

// TestTarballIsDirectory refuses a tarball path that is a directory before
// writing anything.
func TestTarballIsDirectory(t *testing.T) {
	dir := t.TempDir()
	_, err := Tarball{Path: dir}.Stage(context.Background(), randomImage(t), Ref{Name: "img", Tag: "1"})
	if err == nil || !strings.Contains(err.Error(), "is a directory") {
		t.Errorf("Stage of a directory = %v, want \"is a directory\"", err)
	}
	if es, _ := os.ReadDir(dir); len(es) != 0 {
		t.Errorf("Stage of a directory left %d entries in it", len(es))
	}
}
