package lzma

import (
	"bytes"
	"context"
	"debug/elf"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/leve-build/leve/pkg/pack/bcj"
)

// helloSource is the seed's greeting program.
const helloSource = `package main

import "fmt"

func main() {
	fmt.Println("Qual é o seu nome:? ")
	var name string
	fmt.Scanln(&name)
	fmt.Printf("Oi, %s! Eu sou a linguagem Go! ", name)
}
`

var benchBins sync.Map // name → path

// benchBinary builds (once per run, cached under the user cache dir) the
// stripped linux binary name for goarch: "hello" (the seed's app.go) or
// "go" (cmd/go).
func benchBinary(b *testing.B, name, goarch string) []byte {
	b.Helper()
	key := name + "-" + goarch
	path, ok := benchBins.Load(key)
	if !ok {
		cache, err := os.UserCacheDir()
		if err != nil {
			cache = os.TempDir()
		}
		dir := filepath.Join(cache, "leve", "bench-lzma")
		if err := os.MkdirAll(dir, 0o755); err != nil {
			b.Fatal(err)
		}
		out := filepath.Join(dir, key)
		var cmd *exec.Cmd
		switch name {
		case "hello":
			if err := os.WriteFile(filepath.Join(dir, "app.go"), []byte(helloSource), 0o644); err != nil {
				b.Fatal(err)
			}
			cmd = exec.Command("go", "build", "-trimpath", "-ldflags=-s -w -buildid=", "-o", out, "app.go")
			cmd.Dir = dir
		case "go":
			cmd = exec.Command("go", "build", "-trimpath", "-ldflags=-s -w", "-o", out, "cmd/go")
		}
		cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOOS=linux", "GOARCH="+goarch, "GO111MODULE=auto")
		if msg, err := cmd.CombinedOutput(); err != nil {
			b.Fatalf("building %s: %v\n%s", name, err, msg)
		}
		path, _ = benchBins.LoadOrStore(key, out)
	}
	data, err := os.ReadFile(path.(string))
	if err != nil {
		b.Fatal(err)
	}
	return data
}

// filterCode applies filter f in place to the file range of the
// executable segments, with the range's offset as start: what leve's
// packer does.
func filterCode(b *testing.B, exe []byte, f func([]byte, uint32) int) {
	b.Helper()
	ef, err := elf.NewFile(bytes.NewReader(exe))
	if err != nil {
		b.Fatal(err)
	}
	lo, hi := uint64(len(exe)), uint64(0)
	for _, p := range ef.Progs {
		if p.Type == elf.PT_LOAD && p.Flags&elf.PF_X != 0 && p.Filesz > 0 {
			lo, hi = min(lo, p.Off), max(hi, p.Off+p.Filesz)
		}
	}
	if lo >= hi {
		b.Fatal("no executable segment")
	}
	lo &^= 3
	f(exe[lo:hi], uint32(lo))
}

// xzSize compresses data with xz and returns the size, the wall time and
// the CPU time taken.
func xzSize(b *testing.B, args ...string) func(data []byte) (int, time.Duration, time.Duration) {
	xz := xzPath(b)
	return func(data []byte) (int, time.Duration, time.Duration) {
		c := exec.CommandContext(context.Background(), xz, append(args, "-c")...)
		c.Stdin = bytes.NewReader(data)
		t0 := time.Now()
		out, err := c.Output()
		if err != nil {
			b.Fatalf("xz %v: %v", args, err)
		}
		return len(out), time.Since(t0), c.ProcessState.UserTime() + c.ProcessState.SystemTime()
	}
}

// cpuTime returns the CPU time used by this process so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// benchPack measures the packer's payload for one binary: the X86 filter
// on the executable segment then Encode with the defaults (timed), and the
// same with leve's AMD64 filter, against `xz --x86 -9e` and `xz -9e` on
// the same binary, measured in the same run.
func benchPack(b *testing.B, name string) {
	exe := benchBinary(b, name, "amd64")
	filtered := bytes.Clone(exe)
	filterCode(b, filtered, bcj.X86Encode)
	amd64 := bytes.Clone(exe)
	filterCode(b, amd64, bcj.AMD64Encode)
	compAMD64, _, err := Encode(amd64)
	if err != nil {
		b.Fatal(err)
	}
	xzBCJ, xzBCJTime, xzBCJCPU := xzSize(b, "--x86", "--lzma2=preset=9e")(exe)
	xzPlain, _, _ := xzSize(b, "-9e")(exe)
	b.SetBytes(int64(len(exe)))
	b.ResetTimer()
	var comp []byte
	cpu0, n := cpuTime(), 0
	for b.Loop() {
		var err error
		if comp, _, err = Encode(filtered); err != nil {
			b.Fatal(err)
		}
		n++
	}
	cpu := (cpuTime() - cpu0) / time.Duration(n)
	b.StopTimer()
	b.ReportMetric(float64(len(exe)), "input-B")
	b.ReportMetric(float64(len(comp)), "lzma-B")
	b.ReportMetric(float64(len(compAMD64)), "lzma-amd64-B")
	b.ReportMetric(float64(xzBCJ), "xz-x86-9e-B")
	b.ReportMetric(float64(xzPlain), "xz-9e-B")
	b.ReportMetric(float64(len(exe))/1e6/xzBCJTime.Seconds(), "xz-MB/s")
	b.ReportMetric(float64(len(exe))/1e6/cpu.Seconds(), "MB/cpu-s")
	b.ReportMetric(float64(len(exe))/1e6/xzBCJCPU.Seconds(), "xz-MB/cpu-s")
	b.Logf("%s: %d B -> leve x86 %d B (%+.2f%% vs xz), leve amd64 %d B (%+.2f%%), xz --x86 -9e %d B, xz -9e %d B; %.2f MB/s, %.2f MB/cpu-s",
		name, len(exe), len(comp), pct(len(comp), xzBCJ), len(compAMD64), pct(len(compAMD64), xzBCJ), xzBCJ, xzPlain,
		float64(len(exe))/1e6/b.Elapsed().Seconds()*float64(n), float64(len(exe))/1e6/cpu.Seconds())
}

func pct(a, b int) float64 { return 100 * float64(a-b) / float64(b) }

// BenchmarkPackHello compresses the stripped hello binary (the seed's
// app.go).
func BenchmarkPackHello(b *testing.B) { benchPack(b, "hello") }

// BenchmarkPackGoTool compresses the stripped Go toolchain's go command.
func BenchmarkPackGoTool(b *testing.B) { benchPack(b, "go") }

// benchPackARM64 measures the payload of an arm64 binary: the ARM64
// filter on the executable segment then Encode with ARM64Props (timed),
// against `xz --arm64 --lzma2=preset=9e` on the same binary.
func benchPackARM64(b *testing.B, name string) {
	exe := benchBinary(b, name, "arm64")
	filtered := bytes.Clone(exe)
	filterCode(b, filtered, bcj.ARM64Encode)
	xzBCJ, _, xzCPU := xzSize(b, "--arm64", "--lzma2=preset=9e")(exe)
	b.SetBytes(int64(len(exe)))
	var comp []byte
	cpu0, n := cpuTime(), 0
	for b.Loop() {
		var err error
		if comp, _, err = Encode(filtered, WithProps(ARM64Props)); err != nil {
			b.Fatal(err)
		}
		n++
	}
	cpu := (cpuTime() - cpu0) / time.Duration(n)
	b.ReportMetric(float64(len(exe)), "input-B")
	b.ReportMetric(float64(len(comp)), "lzma-B")
	b.ReportMetric(float64(xzBCJ), "xz-arm64-9e-B")
	b.ReportMetric(float64(len(exe))/1e6/cpu.Seconds(), "MB/cpu-s")
	b.ReportMetric(float64(len(exe))/1e6/xzCPU.Seconds(), "xz-MB/cpu-s")
	b.Logf("%s arm64: %d B -> leve %d B (%+.2f%% vs xz), xz --arm64 -9e %d B", name, len(exe), len(comp), pct(len(comp), xzBCJ), xzBCJ)
}

// BenchmarkPackHelloARM64 compresses the arm64 hello binary.
func BenchmarkPackHelloARM64(b *testing.B) { benchPackARM64(b, "hello") }

// BenchmarkPackGoToolARM64 compresses the arm64 go command.
func BenchmarkPackGoToolARM64(b *testing.B) { benchPackARM64(b, "go") }

// BenchmarkDecodeHello decodes the compressed hello payload.
func BenchmarkDecodeHello(b *testing.B) {
	exe := benchBinary(b, "hello", "amd64")
	filterCode(b, exe, bcj.X86Encode)
	comp, props, err := Encode(exe)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(exe)))
	for b.Loop() {
		if _, err := Decode(comp, props, len(exe)); err != nil {
			b.Fatal(err)
		}
	}
}
