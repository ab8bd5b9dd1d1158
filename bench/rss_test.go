package bench

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"sync"
	"testing"
)

// addFileSize is the size of the file BenchmarkAddLargeFileRSS adds.
const addFileSize = 512 << 20

// rssLimitMiB is the peak RSS that building with that file must stay under.
const rssLimitMiB = 150

// leveOnly builds leve from this repository once, without the peers
// buildTools also installs.
var leveOnly = sync.OnceValues(func() (string, error) {
	bin := filepath.Join(workDir, "leve-only", "leve")
	cmd := exec.Command("go", "build", "-o", bin, "./cmd/leve")
	cmd.Dir = repoRoot
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", &toolError{"build ./cmd/leve", err, out}
	}
	return bin, nil
})

// maxRSS matches the peak RSS line of GNU time -v.
var maxRSS = regexp.MustCompile(`Maximum resident set size \(kbytes\): (\d+)`)

// addRSS holds the peak RSS, in KiB, measured once per run.
var addRSS struct {
	once sync.Once
	kib  int64
}

// BenchmarkAddLargeFileRSS measures, with GNU time -v, the peak resident
// set size of "leve build --add big:/data/big" of examples/hello with a
// 512 MiB incompressible file, at the default gzip level and with a leve
// cache warmed by a build without the file (so the compiler's own memory is
// not what is measured). The file streams from disk through the layer's tar
// and compressor, so the figure does not grow with the file's size.
func BenchmarkAddLargeFileRSS(b *testing.B) {
	timeBin := "/usr/bin/time" // GNU time (Debian's time package), not the shell keyword
	if _, err := os.Stat(timeBin); err != nil {
		b.Skipf("GNU time is not installed: %v", err)
	}
	addRSS.once.Do(func() { addRSS.kib = measureAddRSS(b, timeBin) })
	for b.Loop() {
	}
	mib := float64(addRSS.kib) / 1024
	b.ReportMetric(mib, "peak-RSS-MiB")
	verdict := "met"
	if mib > rssLimitMiB {
		verdict = "NOT met"
	}
	fmt.Fprintf(os.Stdout, "\n| command | peak RSS |\n|---|--:|\n| `leve build --add big:/data/big -o OUT .` (%d MiB incompressible file) | %.1f MiB |\n"+
		"\nTarget peak RSS ≤ %d MiB: %s.\n", addFileSize>>20, mib, rssLimitMiB, verdict)
}

// measureAddRSS writes the large file, warms the cache and returns the
// peak RSS of the build that adds the file.
func measureAddRSS(b *testing.B, timeBin string) int64 {
	leve, err := leveOnly()
	if err != nil {
		b.Fatal(err)
	}
	dir := filepath.Join(workDir, "rss")
	big := filepath.Join(dir, "big")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		b.Fatal(err)
	}
	writeRandomFile(b, big, addFileSize)
	env := []string{"LEVE_CACHE=" + filepath.Join(dir, "cache")}
	src := hello(b)
	mustRun(b, src, env, leve, "build", "-o", filepath.Join(dir, "warm"), ".")

	ctx, cancel := context.WithTimeout(context.Background(), cmdTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, timeBin, "-v", leve, "build", "--add", big+":/data/big", "-o", filepath.Join(dir, "out"), ".")
	cmd.Dir = src
	cmd.Env = append(os.Environ(), env...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		b.Fatalf("leve build --add: %v\n%s", err, stderr.String())
	}
	m := maxRSS.FindSubmatch(stderr.Bytes())
	if m == nil {
		b.Fatalf("no peak RSS in the output of %s -v:\n%s", timeBin, stderr.String())
	}
	kib, err := strconv.ParseInt(string(m[1]), 10, 64)
	if err != nil {
		b.Fatal(err)
	}
	return kib
}

// writeRandomFile writes size pseudo-random (incompressible) bytes to path.
func writeRandomFile(b *testing.B, path string, size int) {
	b.Helper()
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	rng := rand.NewChaCha8([32]byte{'l', 'e', 'v', 'e'})
	buf := make([]byte, 1<<20)
	for n := 0; n < size; n += len(buf) {
		rng.Read(buf)
		if _, err := f.Write(buf); err != nil {
			f.Close()
			b.Fatal(err)
		}
	}
	if err := f.Close(); err != nil {
		b.Fatal(err)
	}
}
