package deflate

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"syscall"
	"testing"

	kgzip "github.com/klauspost/compress/gzip"
)

// layerTar wraps a binary in a tar archive as leve lays out an image
// layer: one file, fixed owner, mode and time.
func layerTar(tb testing.TB, bin []byte) []byte {
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	hdr := &tar.Header{Name: "app", Mode: 0o755, Size: int64(len(bin)), Format: tar.FormatPAX}
	if err := tw.WriteHeader(hdr); err != nil {
		tb.Fatal(err)
	}
	if _, err := tw.Write(bin); err != nil {
		tb.Fatal(err)
	}
	if err := tw.Close(); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}

// encoder is one compressor measured by BenchmarkGzip.
type encoder struct {
	name string
	fn   func(b *testing.B, in []byte) []byte
}

func leve(l Level) func(b *testing.B, in []byte) []byte {
	return func(b *testing.B, in []byte) []byte {
		out, err := Gzip(nil, in, l)
		if err != nil {
			b.Fatal(err)
		}
		return out
	}
}

func stdlibGzip(b *testing.B, in []byte) []byte {
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	zw.Write(in)
	if err := zw.Close(); err != nil {
		b.Fatal(err)
	}
	return buf.Bytes()
}

func klauspostGzip(b *testing.B, in []byte) []byte {
	var buf bytes.Buffer
	zw, _ := kgzip.NewWriterLevel(&buf, kgzip.BestCompression)
	zw.Write(in)
	if err := zw.Close(); err != nil {
		b.Fatal(err)
	}
	return buf.Bytes()
}

// tool runs an external compressor writing to stdout; it reads stdin, or
// a file holding the input in place of a "FILE" argument.
func tool(name string, args ...string) func(b *testing.B, in []byte) []byte {
	return func(b *testing.B, in []byte) []byte {
		p, err := exec.LookPath(name)
		if err != nil {
			b.Skipf("%s not installed: %v", name, err)
		}
		args := append([]string(nil), args...)
		for i, a := range args {
			if a == "FILE" {
				b.StopTimer()
				f := filepath.Join(b.TempDir(), "in")
				if err := os.WriteFile(f, in, 0o644); err != nil {
					b.Fatal(err)
				}
				args[i] = f
				b.StartTimer()
			}
		}
		cmd := exec.Command(p, args...)
		cmd.Stdin = bytes.NewReader(in)
		out, err := cmd.Output()
		if err != nil {
			b.Fatalf("%s %v: %v", name, args, err)
		}
		return out
	}
}

// BenchmarkGzip measures leve's levels beside Go's and klauspost's gzip -9,
// libdeflate-gzip -12, gzip -9 and zopfli on the stripped hello binary, its
// layer tar, and the go command. Each result reports the compressed size.
func BenchmarkGzip(b *testing.B) {
	hello := helloBinary(b)
	if hello == nil {
		b.Skip("cannot build examples/hello")
	}
	goBin, err := os.ReadFile(filepath.Join(runtime.GOROOT(), "bin", "go"))
	if err != nil {
		b.Fatal(err)
	}
	cases := []struct {
		name string
		in   []byte
		slow bool // run the slowest encoders too
	}{
		{"hello", hello, true},
		{"hello.tar", layerTar(b, hello), true},
		{"go", goBin, false},
	}
	encoders := []encoder{
		{"leve-fast", leve(Fast)},
		{"leve-default", leve(Default)},
		{"leve-max", leve(Max)},
		{"stdlib-9", stdlibGzip},
		{"klauspost-9", klauspostGzip},
		{"gzip-9", tool("gzip", "-9", "-n", "-c")},
		{"libdeflate-12", tool("libdeflate-gzip", "-12", "-n", "-c")},
		{"zopfli", tool("zopfli", "-c", "FILE")},
	}
	for _, c := range cases {
		for _, e := range encoders {
			if !c.slow && (e.name == "leve-max" || e.name == "zopfli") {
				continue
			}
			b.Run(c.name+"/"+e.name, func(b *testing.B) {
				b.SetBytes(int64(len(c.in)))
				var out []byte
				cpu0 := cpuSeconds()
				for b.Loop() {
					out = e.fn(b, c.in)
				}
				cpu := cpuSeconds() - cpu0
				b.ReportMetric(float64(len(out)), "gz-bytes")
				b.ReportMetric(float64(len(c.in))*float64(b.N)/cpu/1e6, "MB/cpu-s")
				b.ReportMetric(100*float64(len(out))/float64(len(c.in)), "%")
				b.ReportMetric(float64(len(c.in)), "in-B")
			})
		}
	}
}

// cpuSeconds is the CPU time used so far by this process and the
// commands it ran, so that speeds can be compared on a busy machine.
func cpuSeconds() float64 {
	var self, children syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &self)
	syscall.Getrusage(syscall.RUSAGE_CHILDREN, &children)
	t := func(ru syscall.Rusage) float64 {
		return float64(ru.Utime.Nano()+ru.Stime.Nano()) / 1e9
	}
	return t(self) + t(children)
}

// BenchmarkDeflateLevels measures each level alone on the layer tar of the
// stripped hello binary, for benchstat comparisons of the encoder's hot
// paths; it reports the compressed size beside the speed.
func BenchmarkDeflateLevels(b *testing.B) {
	if testing.Short() {
		b.Skip("builds examples/hello with the go command")
	}
	hello := helloBinary(b)
	if hello == nil {
		b.Skip("cannot build examples/hello")
	}
	in := layerTar(b, hello)
	for _, l := range []Level{Fast, Default, Max} {
		b.Run(l.String(), func(b *testing.B) {
			b.SetBytes(int64(len(in)))
			b.ReportAllocs()
			var out []byte
			for b.Loop() {
				var err error
				if out, err = Gzip(out[:0], in, l); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(len(out)), "gz-bytes")
		})
	}
}
