package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// maxBoundedRSS is the peak RSS leve analyze and leve pack may reach on
// the hello example whatever its size on disk.
const maxBoundedRSS = 150 << 20

// measuredRun runs leve with args and returns its result and peak RSS.
func measuredRun(t *testing.T, env []string, args ...string) (result, int64) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), cmdTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, leve(t), args...)
	cmd.Dir = t.TempDir()
	cmd.Env = append(os.Environ(), env...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	r := result{stdout: stdout.String(), stderr: stderr.String()}
	var ee *exec.ExitError
	switch {
	case ctx.Err() != nil:
		t.Fatalf("leve %s: timed out\n%s", strings.Join(args, " "), r)
	case err == nil:
	case errors.As(err, &ee):
		r.code = ee.ExitCode()
	default:
		t.Fatalf("leve %s: %v", strings.Join(args, " "), err)
	}
	ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage)
	if !ok {
		t.Fatal("no rusage on this platform")
	}
	return r, ru.Maxrss << 10 // KiB on Linux
}

// noStackTrace fails the test if stderr holds a Go panic or runtime error.
func noStackTrace(t *testing.T, what string, r result) {
	t.Helper()
	for _, s := range []string{"goroutine ", "panic:", "fatal error:", "runtime."} {
		if strings.Contains(r.stderr, s) {
			t.Errorf("%s: stderr holds a Go stack trace (%q):\n%s", what, s, r.stderr)
		}
	}
}

// helloBinary builds examples/hello (CGO_ENABLED=0, stripped) into dir with
// the extra environment env and returns its path.
func helloBinary(t *testing.T, dir string, env ...string) string {
	t.Helper()
	out := filepath.Join(dir, "hello")
	mustRun(t, filepath.Join(repoRoot, "examples", "hello"), "", append([]string{"CGO_ENABLED=0", "GOOS=linux", "GOFLAGS="}, env...),
		"go", "build", "-trimpath", "-ldflags=-s -w", "-o", out, ".")
	return out
}

// TestSparseTail analyses and packs the hello example followed by a
// 20 GiB sparse tail (no disk blocks): analyze reports the tail as
// trailing data and packs the rest; pack refuses with one line before
// reading; neither shows a Go stack trace, and both stay within
// maxBoundedRSS.
func TestSparseTail(t *testing.T) {
	const tail = 20 << 30
	dir := t.TempDir()
	bin := helloBinary(t, dir)
	fi, err := os.Stat(bin)
	if err != nil {
		t.Fatal(err)
	}
	exeSize := fi.Size()

	_, plainRSS := measuredRun(t, nil, "analyze", bin)
	if err := os.Truncate(bin, exeSize+tail); err != nil {
		t.Fatal(err)
	}
	r, rss := measuredRun(t, nil, "analyze", bin)
	noStackTrace(t, "leve analyze", r)
	if r.code != 0 {
		t.Fatalf("leve analyze of a 20 GiB file: %s", r)
	}
	if !strings.Contains(r.stdout, "trailing data") {
		t.Errorf("leve analyze does not report the trailing data:\n%s", r.stdout)
	}
	if rss > maxBoundedRSS || rss > plainRSS+16<<20 {
		t.Errorf("leve analyze of a 20 GiB file: peak RSS %d MiB, want at most %d MiB and near the %d MiB of the executable alone", rss>>20, maxBoundedRSS>>20, plainRSS>>20)
	}

	r, rss = measuredRun(t, nil, "analyze", "--json", bin)
	noStackTrace(t, "leve analyze --json", r)
	if r.code != 0 {
		t.Fatalf("leve analyze --json of a 20 GiB file: %s", r)
	}
	var rep struct {
		Size        int64 `json:"size"`
		Trailing    int64 `json:"trailingData"`
		Suggestions []struct {
			Kind   string `json:"kind"`
			Saving int64  `json:"saving"`
		} `json:"suggestions"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &rep); err != nil {
		t.Fatalf("leve analyze --json: %v\n%s", err, r.stdout)
	}
	if rep.Size != exeSize+tail || rep.Trailing != tail {
		t.Errorf("leve analyze --json: size %d, trailingData %d, want %d, %d", rep.Size, rep.Trailing, exeSize+tail, int64(tail))
	}
	for _, s := range rep.Suggestions {
		if s.Saving > exeSize {
			t.Errorf("suggestion %s saves %d bytes, more than the %d of the executable: the tail is in the estimate", s.Kind, s.Saving, exeSize)
		}
		if s.Kind == "pack" {
			t.Errorf("pack suggested for a file above the pack limit")
		}
	}
	if !strings.Contains(r.stderr, "trailing data") {
		t.Errorf("leve analyze --json: no note about the trailing data on stderr:\n%s", r.stderr)
	}
	if rss > maxBoundedRSS {
		t.Errorf("leve analyze --json of a 20 GiB file: peak RSS %d MiB, want at most %d MiB", rss>>20, maxBoundedRSS>>20)
	}

	out := filepath.Join(dir, "hello.packed")
	r, rss = measuredRun(t, nil, "pack", "-o", out, bin)
	noStackTrace(t, "leve pack", r)
	lines := strings.Split(strings.TrimSpace(r.stderr), "\n")
	if r.code != 1 || len(lines) != 1 || !strings.Contains(r.stderr, "1 GiB") || !strings.Contains(r.stderr, "20.00 GiB") {
		t.Errorf("leve pack of a 20 GiB file: want exit 1 and one line naming its size and the 1 GiB limit; %s", r)
	}
	if rss > maxBoundedRSS {
		t.Errorf("leve pack of a 20 GiB file: peak RSS %d MiB, want at most %d MiB", rss>>20, maxBoundedRSS>>20)
	}
	if _, err := os.Stat(out); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("leve pack refused yet %s exists (%v)", out, err)
	}

	// A small tail (a signature appended to a release) is analysed, noted
	// and packed with the rest.
	small := helloBinary(t, t.TempDir())
	f, err := os.OpenFile(small, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString("-----BEGIN SIGNATURE-----\n")
	f.Close()
	r = runLeve(t, "", nil, "analyze", small)
	if r.code != 0 || !strings.Contains(r.stdout, "26 B of trailing data") {
		t.Errorf("leve analyze of a binary with a 26-byte tail: want it noted; %s", r)
	}
	r = runLeve(t, "", nil, "pack", "-o", out, small)
	if r.code != 0 {
		t.Errorf("leve pack of a binary with a 26-byte tail: %s", r)
	}
}

// TestPIEMessages checks that a -buildmode=pie executable built without
// cgo is named as such by leve build, pack and analyze, with the GOFLAGS
// fix, never blamed on cgo and never with an empty library list.
func TestPIEMessages(t *testing.T) {
	pie := helloBinary(t, t.TempDir(), "GOFLAGS=-buildmode=pie")
	check := func(what string, s string) {
		t.Helper()
		if !strings.Contains(s, "-buildmode=pie") || strings.Contains(s, "CGO_ENABLED=0") || strings.Contains(s, "; )") || strings.Contains(s, "libraries )") {
			t.Errorf("%s: want -buildmode=pie named, not CGO_ENABLED=0 or an empty library list:\n%s", what, s)
		}
	}

	r := runLeve(t, "", nil, "pack", pie) // the default output, IN.packed, must not appear
	noStackTrace(t, "leve pack", r)
	if r.code != 1 || strings.Count(strings.TrimSpace(r.stderr), "\n") != 0 {
		t.Errorf("leve pack of a PIE: want exit 1 and one line; %s", r)
	}
	check("leve pack", r.stderr)
	if entries, _ := os.ReadDir(filepath.Dir(pie)); len(entries) != 1 {
		t.Errorf("leve pack refused a PIE yet wrote into its directory: %v", entries)
	}

	r = runLeve(t, "", nil, "analyze", pie)
	if r.code != 0 {
		t.Fatalf("leve analyze of a PIE: %s", r)
	}
	check("leve analyze", r.stdout)
	if !strings.Contains(r.stdout, "position-independent (-buildmode=pie), needs /") {
		t.Errorf("leve analyze of a PIE: the linking line does not name it:\n%s", r.stdout)
	}

	src := filepath.Join(repoRoot, "examples", "hello")
	r = runLeve(t, "", []string{"GOFLAGS=-buildmode=pie", "LEVE_CACHE="}, "build", "-o", filepath.Join(t.TempDir(), "layout"), src)
	noStackTrace(t, "leve build", r)
	if r.code != 1 {
		t.Fatalf("GOFLAGS=-buildmode=pie leve build: want exit 1; %s", r)
	}
	check("leve build", r.stderr)
}
