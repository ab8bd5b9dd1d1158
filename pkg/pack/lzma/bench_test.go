package lzma

import (
	"bytes"
	"context"
	"debug/elf"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
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
// stripped binary name: "hello" (the seed's app.go) or "go" (cmd/go).
func benchBinary(b *testing.B, name string) []byte {
	b.Helper()
	path, ok := benchBins.Load(name)
	if !ok {
		cache, err := os.UserCacheDir()
		if err != nil {
			cache = os.TempDir()
		}
		dir := filepath.Join(cache, "leve", "bench-lzma")
		if err := os.MkdirAll(dir, 0o755); err != nil {
			b.Fatal(err)
		}
		out := filepath.Join(dir, name)
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
		cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOOS=linux", "GOARCH=amd64", "GO111MODULE=auto")
		if msg, err := cmd.CombinedOutput(); err != nil {
			b.Fatalf("building %s: %v\n%s", name, err, msg)
		}
		path, _ = benchBins.LoadOrStore(name, out)
	}
	data, err := os.ReadFile(path.(string))
	if err != nil {
		b.Fatal(err)
	}
	return data
}

// filterText applies the x86 BCJ filter to the .text section, in place,
// with the section's file offset as start: what leve's packer does.
func filterText(b *testing.B, exe []byte) {
	b.Helper()
	f, err := elf.NewFile(bytes.NewReader(exe))
	if err != nil {
		b.Fatal(err)
	}
	text := f.Section(".text")
	if text == nil {
		b.Fatal("no .text section")
	}
	bcj.X86Encode(exe[text.Offset:text.Offset+text.Size], uint32(text.Offset))
}

// xzSize compresses data with xz and returns the size and the time taken.
func xzSize(b *testing.B, args ...string) func(data []byte) (int, time.Duration) {
	xz := xzPath(b)
	return func(data []byte) (int, time.Duration) {
		c := exec.CommandContext(context.Background(), xz, append(args, "-c")...)
		c.Stdin = bytes.NewReader(data)
		t0 := time.Now()
		out, err := c.Output()
		if err != nil {
			b.Fatalf("xz %v: %v", args, err)
		}
		return len(out), time.Since(t0)
	}
}

// benchPack measures the packer's payload for one binary: x86 BCJ on
// .text then Encode with the defaults, against `xz --x86 -9e` and
// `xz -9e` on the same binary, measured in the same run.
func benchPack(b *testing.B, name string) {
	exe := benchBinary(b, name)
	filtered := bytes.Clone(exe)
	filterText(b, filtered)
	xzBCJ, xzBCJTime := xzSize(b, "--x86", "--lzma2=preset=9e")(exe)
	xzPlain, _ := xzSize(b, "-9e")(exe)
	b.SetBytes(int64(len(exe)))
	b.ResetTimer()
	var comp []byte
	for b.Loop() {
		var err error
		if comp, _, err = Encode(filtered); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	b.ReportMetric(float64(len(exe)), "input-B")
	b.ReportMetric(float64(len(comp)), "lzma-B")
	b.ReportMetric(float64(xzBCJ), "xz-x86-9e-B")
	b.ReportMetric(float64(xzPlain), "xz-9e-B")
	b.ReportMetric(float64(len(exe))/1e6/xzBCJTime.Seconds(), "xz-MB/s")
	b.Logf("%s: %d B -> leve %d B, xz --x86 -9e %d B (%.3f%%), xz -9e %d B", name, len(exe), len(comp), xzBCJ,
		100*float64(len(comp)-xzBCJ)/float64(xzBCJ), xzPlain)
}

// BenchmarkPackHello compresses the stripped hello binary (the seed's
// app.go).
func BenchmarkPackHello(b *testing.B) { benchPack(b, "hello") }

// BenchmarkPackGoTool compresses the stripped Go toolchain's go command.
func BenchmarkPackGoTool(b *testing.B) { benchPack(b, "go") }

// BenchmarkDecodeHello decodes the compressed hello payload.
func BenchmarkDecodeHello(b *testing.B) {
	exe := benchBinary(b, "hello")
	filterText(b, exe)
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
