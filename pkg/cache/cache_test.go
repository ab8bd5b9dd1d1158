package cache

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/leve-build/leve/internal/atomicfile"
)

func TestVerifiedEntry(t *testing.T) {
	p := filepath.Join(t.TempDir(), "packed", "key")
	if _, err := ReadVerified(p); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("ReadVerified of a missing entry: %v, want fs.ErrNotExist", err)
	}
	data := []byte("packed program bytes")
	if err := WriteVerified(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	long := time.Now().Add(-48 * time.Hour)
	if err := os.Chtimes(p, long, long); err != nil {
		t.Fatal(err)
	}
	if got, err := ReadVerified(p); err != nil || string(got) != string(data) {
		t.Fatalf("ReadVerified = %q, %v, want %q", got, err, data)
	}
	if fi, err := os.Stat(p); err != nil || time.Since(fi.ModTime()) > time.Hour {
		t.Errorf("ReadVerified did not mark the entry used: %v, %v", fi.ModTime(), err)
	}
	if err := Verify(context.Background(), p); err != nil {
		t.Errorf("Verify of a good entry: %v", err)
	}

	damaged := []byte("packed progrXm bytes") // same size
	if err := os.WriteFile(p, damaged, 0o644); err != nil {
		t.Fatal(err)
	}
	var bad *MismatchError
	if _, err := ReadVerified(p); !errors.As(err, &bad) || !errors.Is(err, ErrMismatch) || bad.Want != Digest(data) || bad.Got != Digest(damaged) {
		t.Errorf("ReadVerified of a damaged entry: %v, want a MismatchError with both digests", err)
	}
	if err := Verify(context.Background(), p); !errors.Is(err, ErrMismatch) {
		t.Errorf("Verify of a damaged entry: %v, want ErrMismatch", err)
	}

	if err := os.WriteFile(DigestPath(p), []byte("sha256:nothex\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := ReadVerified(p); !errors.Is(err, ErrMismatch) {
		t.Errorf("ReadVerified with a damaged record: %v, want ErrMismatch", err)
	}
	if err := Remove(p); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{p, DigestPath(p)} {
		if _, err := os.Stat(f); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("%s still there after Remove: %v", f, err)
		}
	}
	if err := Remove(p); err != nil {
		t.Errorf("Remove of a missing entry: %v", err)
	}
}

func TestLockDir(t *testing.T) {
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "bin", "key")
	l, err := LockDir(ctx, dir, true)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok, err := TryLockDir(dir); ok || err != nil {
		t.Fatalf("TryLockDir of a locked directory = %v, %v; want not ok", ok, err)
	}
	short, cancel := context.WithTimeout(ctx, 50*time.Millisecond)
	defer cancel()
	if _, err := LockDir(short, dir, false); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("shared LockDir while locked exclusively: %v, want the context's deadline", err)
	}

	// A waiter whose lock file is removed (as prune does, under the lock)
	// ends up holding the lock of the directory that exists afterwards.
	got := make(chan error, 1)
	go func() {
		l2, err := LockDir(ctx, dir, true)
		if err == nil {
			_, err = os.Stat(filepath.Join(dir, LockFile))
			l2.Unlock()
		}
		got <- err
	}()
	time.Sleep(30 * time.Millisecond)
	if err := os.RemoveAll(dir); err != nil {
		t.Fatal(err)
	}
	l.Unlock()
	select {
	case err := <-got:
		if err != nil {
			t.Fatalf("waiter: %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("waiter did not get the lock after it was released")
	}

	s1, err := LockDir(ctx, dir, false)
	if err != nil {
		t.Fatal(err)
	}
	s2, err := LockDir(ctx, dir, false)
	if err != nil {
		t.Fatalf("second shared lock: %v", err)
	}
	if _, ok, _ := TryLockDir(dir); ok {
		t.Error("TryLockDir succeeded while shared locks are held")
	}
	s1.Unlock()
	s2.Unlock()
	l3, ok, err := TryLockDir(dir)
	if !ok || err != nil {
		t.Fatalf("TryLockDir after every lock was released = %v, %v", ok, err)
	}
	l3.Unlock()
}

// fakeCache writes a cache with entries of every kind, each last used
// the given time ago, and returns its directory.
func fakeCache(t *testing.T, now time.Time) string {
	t.Helper()
	dir := t.TempDir()
	files := []struct {
		path string
		size int
		age  time.Duration
	}{
		{"bin/old/app", 1000, 30 * 24 * time.Hour},
		{"bin/old/app.sha256", 72, 30 * 24 * time.Hour},
		{"bin/old/.lock", 0, 0}, // a lock file's times do not count
		{"bin/new/app", 2000, time.Hour},
		{"bin/new/app.sha256", 72, time.Hour},
		{"packed/old", 300, 10 * 24 * time.Hour},
		{"packed/old.sha256", 72, 10 * 24 * time.Hour},
		{"packed/new", 400, time.Minute},
		{"packed/new.sha256", 72, time.Minute},
		{"layers/sha256/aa.gzip", 500, 8 * 24 * time.Hour},
		{"layers/sha256/bb.gzip", 600, 2 * 24 * time.Hour},
		{"layers/sha256/" + atomicfile.TempPrefix + "old", 50, time.Hour},
		{"layers/sha256/" + atomicfile.TempPrefix + "young", 60, time.Second},
		{"chunks/ab/ab01", 700, 9 * 24 * time.Hour},
		{"chunks/cd/cd02", 800, time.Minute},
		{"notes.txt", 10, 365 * 24 * time.Hour}, // not leve's: never removed
	}
	for _, f := range files {
		p := filepath.Join(dir, filepath.FromSlash(f.path))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, make([]byte, f.size), 0o644); err != nil {
			t.Fatal(err)
		}
		at := now.Add(-f.age)
		if err := os.Chtimes(p, at, at); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestMeasure(t *testing.T) {
	dir := fakeCache(t, time.Now())
	u, err := Measure(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	want := []KindUsage{
		{KindBinaries, filepath.Join(dir, "bin"), 2, 1000 + 72 + 2000 + 72},
		{KindPacked, filepath.Join(dir, "packed"), 2, 300 + 72 + 400 + 72},
		{KindLayers, filepath.Join(dir, "layers"), 4, 500 + 600 + 50 + 60},
		{KindChunks, filepath.Join(dir, "chunks"), 2, 700 + 800},
	}
	var total int64
	for i, k := range want {
		total += k.Bytes
		if i >= len(u.Kinds) || u.Kinds[i] != k {
			t.Errorf("Kinds[%d] = %+v, want %+v", i, u.Kinds, k)
		}
	}
	if u.Bytes != total || u.Dir != dir {
		t.Errorf("Measure = %s, %d bytes; want %s, %d", u.Dir, u.Bytes, dir, total)
	}
	if u, err := Measure(context.Background(), filepath.Join(dir, "missing")); err != nil || u.Bytes != 0 || len(u.Kinds) != len(Kinds) {
		t.Errorf("Measure of a missing cache = %+v, %v; want %d empty kinds", u, err, len(Kinds))
	}
}

// exists reports which of paths (relative to dir) exist.
func exists(t *testing.T, dir string, paths ...string) map[string]bool {
	t.Helper()
	m := map[string]bool{}
	for _, p := range paths {
		_, err := os.Stat(filepath.Join(dir, filepath.FromSlash(p)))
		m[p] = err == nil
	}
	return m
}

func TestPrune(t *testing.T) {
	ctx := context.Background()
	now := time.Now()
	all := []string{"bin/old", "bin/new", "packed/old", "packed/old.sha256", "packed/new", "layers/sha256/aa.gzip", "layers/sha256/bb.gzip", "layers/sha256/" + atomicfile.TempPrefix + "old", "layers/sha256/" + atomicfile.TempPrefix + "young", "chunks/ab/ab01", "chunks/cd/cd02", "notes.txt"}
	tests := []struct {
		name   string
		o      PruneOptions
		lock   string // a binary directory another process holds
		gone   []string
		busy   int
		remove int
	}{
		{name: "older than a week", o: PruneOptions{OlderThan: 7 * 24 * time.Hour}, gone: []string{"bin/old", "packed/old", "packed/old.sha256", "layers/sha256/aa.gzip", "chunks/ab/ab01"}, remove: 4},
		{name: "older than a day", o: PruneOptions{OlderThan: 24 * time.Hour}, gone: []string{"bin/old", "packed/old", "packed/old.sha256", "layers/sha256/aa.gzip", "layers/sha256/bb.gzip", "chunks/ab/ab01"}, remove: 5},
		{name: "older than two minutes spares young temporary files", o: PruneOptions{OlderThan: 2 * time.Minute}, gone: []string{"bin/old", "bin/new", "packed/old", "packed/old.sha256", "layers/sha256/aa.gzip", "layers/sha256/bb.gzip", "layers/sha256/" + atomicfile.TempPrefix + "old", "chunks/ab/ab01"}, remove: 7},
		{name: "all", o: PruneOptions{All: true}, gone: []string{"bin/old", "bin/new", "packed/old", "packed/old.sha256", "packed/new", "layers/sha256/aa.gzip", "layers/sha256/bb.gzip", "layers/sha256/" + atomicfile.TempPrefix + "old", "chunks/ab/ab01", "chunks/cd/cd02"}, remove: 9},
		{name: "locked binaries are kept", o: PruneOptions{All: true}, lock: "bin/old", gone: []string{"bin/new", "packed/old", "packed/old.sha256", "packed/new", "layers/sha256/aa.gzip", "layers/sha256/bb.gzip", "layers/sha256/" + atomicfile.TempPrefix + "old", "chunks/ab/ab01", "chunks/cd/cd02"}, remove: 8, busy: 1},
		// 6,698 bytes in all: dropping the oldest (bin/old 1,072, then
		// packed/old 372) reaches 5,254 ≤ 5,500.
		{name: "max bytes, oldest first", o: PruneOptions{OlderThan: 365 * 24 * time.Hour, MaxBytes: 5500}, gone: []string{"bin/old", "packed/old", "packed/old.sha256"}, remove: 2},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := fakeCache(t, now)
			if tc.lock != "" {
				l, err := LockDir(ctx, filepath.Join(dir, tc.lock), true)
				if err != nil {
					t.Fatal(err)
				}
				defer l.Unlock()
			}
			before, err := Measure(ctx, dir)
			if err != nil {
				t.Fatal(err)
			}
			o := tc.o
			o.Now = now
			res, err := Prune(ctx, dir, o)
			if err != nil {
				t.Fatal(err)
			}
			after, err := Measure(ctx, dir)
			if err != nil {
				t.Fatal(err)
			}
			gone := map[string]bool{}
			for _, g := range tc.gone {
				gone[g] = true
			}
			for p, ok := range exists(t, dir, all...) {
				if ok == gone[p] {
					t.Errorf("%s: exists = %v after prune, want %v", p, ok, !gone[p])
				}
			}
			if res.Removed != tc.remove || res.Busy != tc.busy {
				t.Errorf("Prune = %+v, want %d removed, %d busy", res, tc.remove, tc.busy)
			}
			if res.Freed != before.Bytes-after.Bytes || res.Bytes != after.Bytes {
				t.Errorf("Prune = %+v; the cache went from %d to %d bytes", res, before.Bytes, after.Bytes)
			}
			if o.MaxBytes > 0 && after.Bytes > o.MaxBytes {
				t.Errorf("%d bytes left, want at most %d", after.Bytes, o.MaxBytes)
			}
		})
	}
}
