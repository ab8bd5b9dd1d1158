package bench

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/leve-build/leve/pkg/deflate"
)

// BenchmarkDeflateSpeed compresses the binary layer of leve's examples/hello
// image (the uncompressed tar) with leve's DEFLATE encoder at each level
// and with libdeflate-gzip -12, in the same run, and prints the Markdown
// table of docs/benchmarks.md: gzip size, wall-clock speed and CPU time
// (medians of three runs, max level once).
func BenchmarkDeflateSpeed(b *testing.B) {
	libdeflate := needTool(b, "libdeflate-gzip")
	layer := helloLayerTar(b)
	for b.Loop() {
	}
	var t strings.Builder
	fmt.Fprintf(&t, "| encoder | gzip size | wall (median) | speed | CPU (median) | MB per CPU-s |\n|---|--:|--:|--:|--:|--:|\n")
	mb := float64(len(layer)) / 1e6
	for _, l := range []struct {
		name  string
		level deflate.Level
		runs  int
	}{{"fast", deflate.Fast, 3}, {"default", deflate.Default, 3}, {"max", deflate.Max, 1}} {
		var size int
		d, cpu := median(l.runs, func() time.Duration {
			before := selfCPU(b)
			out, err := deflate.Gzip(nil, layer, l.level)
			if err != nil {
				b.Fatal(err)
			}
			size = len(out)
			return selfCPU(b) - before
		})
		b.ReportMetric(mb/d.Seconds(), "leve-"+l.name+"-MB/s")
		b.ReportMetric(float64(size), "leve-"+l.name+"-B")
		b.ReportMetric(d.Seconds(), "leve-"+l.name+"-s")
		b.ReportMetric(cpu.Seconds(), "leve-"+l.name+"-cpu-s")
		fmt.Fprintf(&t, "| leve `pkg/deflate`, %s | %s B | %.2f s | %.2f MB/s | %.2f s | %.2f |\n",
			l.name, comma(int64(size)), d.Seconds(), mb/d.Seconds(), cpu.Seconds(), mb/cpu.Seconds())
	}
	in := filepath.Join(workDir, "hello-layer.tar")
	writeFile(b, in, layer)
	var size int
	d, cpu := median(3, func() time.Duration {
		cmd := exec.Command(libdeflate, "-12", "-c", in)
		out, err := cmd.Output()
		if err != nil {
			b.Fatal(err)
		}
		size = len(out)
		return cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
	})
	b.ReportMetric(mb/d.Seconds(), "libdeflate-12-MB/s")
	b.ReportMetric(float64(size), "libdeflate-12-B")
	b.ReportMetric(d.Seconds(), "libdeflate-12-s")
	b.ReportMetric(cpu.Seconds(), "libdeflate-12-cpu-s")
	b.ReportMetric(float64(len(layer)), "tar-B")
	fmt.Fprintf(&t, "| `libdeflate-gzip -12` | %s B | %.2f s | %.2f MB/s | %.2f s | %.2f |\n",
		comma(int64(size)), d.Seconds(), mb/d.Seconds(), cpu.Seconds(), mb/cpu.Seconds())
	fmt.Fprintf(os.Stdout, "\nhello binary layer: %s B uncompressed tar\n\n%s", comma(int64(len(layer))), t.String())
}

// helloLayerTar builds examples/hello with leve and returns its largest
// layer (the binary's) uncompressed.
func helloLayerTar(b *testing.B) []byte {
	b.Helper()
	leve := filepath.Join(buildTools(b), "leve")
	layout := filepath.Join(workDir, "deflate-hello")
	mustRun(b, filepath.Join(examplesDir(b), "hello"), []string{"LEVE_CACHE="}, leve,
		"build", "--platform", "linux/amd64", "--sbom", "none", "--level", "fast", "-o", layout, ".")
	var idx struct{ Manifests []descriptor }
	if err := readJSON(filepath.Join(layout, "index.json"), &idx); err != nil {
		b.Fatal(err)
	}
	var m struct{ Layers []descriptor }
	if err := readJSON(blobPath(layout, idx.Manifests[0].Digest), &m); err != nil {
		b.Fatal(err)
	}
	biggest := slices.MaxFunc(m.Layers, func(x, y descriptor) int { return int(x.Size - y.Size) })
	zr, err := gzip.NewReader(bytes.NewReader(readFile(b, blobPath(layout, biggest.Digest))))
	if err != nil {
		b.Fatal(err)
	}
	data, err := io.ReadAll(zr)
	if err != nil {
		b.Fatal(err)
	}
	return data
}

// median runs f n times and returns the median wall time and the median
// of the CPU times f returns.
func median(n int, f func() time.Duration) (wall, cpu time.Duration) {
	ws, cs := make([]time.Duration, n), make([]time.Duration, n)
	for i := range ws {
		start := time.Now()
		cs[i] = f()
		ws[i] = time.Since(start)
	}
	slices.Sort(ws)
	slices.Sort(cs)
	return ws[n/2], cs[n/2]
}

// selfCPU is the user and system CPU time this process has used.
func selfCPU(b *testing.B) time.Duration {
	b.Helper()
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
