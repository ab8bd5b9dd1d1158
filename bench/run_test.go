package bench

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/leve-build/leve/pkg/engine"
	"github.com/leve-build/leve/pkg/pull"
)

// runRounds is how many times each command runs; the figures are medians.
const runRounds = 15

// BenchmarkRunOverhead measures what "leve run --engine runc" adds to
// plain "runc run" of the same bundle, on examples/hello with empty
// stdin: leve opens and checks the image, extracts it into a new bundle,
// writes config.json, runs runc and removes the bundle. The target is at
// most 100 ms more (docs/benchmarks.md, "leve run start-up"). Needs root
// and runc.
func BenchmarkRunOverhead(b *testing.B) {
	runc := needTool(b, "runc")
	if os.Geteuid() != 0 {
		b.Skip("running containers needs root")
	}
	leve, err := leveOnly()
	if err != nil {
		b.Fatal(err)
	}
	dir := b.TempDir()
	layout := filepath.Join(dir, "hello")
	if out, err := exec.Command(leve, "build", "-o", layout, filepath.Join(repoRoot, "examples", "hello")).CombinedOutput(); err != nil {
		b.Fatalf("leve build: %v\n%s", err, out)
	}
	ref := "oci:" + layout
	// The same bundle leve makes, kept for plain runc.
	src, err := pull.Open(context.Background(), ref, pull.Options{})
	if err != nil {
		b.Fatal(err)
	}
	img, err := src.Image("linux", "amd64", "")
	if err != nil {
		b.Fatal(err)
	}
	bundle, _, err := engine.Runtime{Binary: runc, TempDir: dir}.Prepare(context.Background(), engine.Spec{Image: img, Ref: ref})
	if err != nil {
		b.Fatal(err)
	}
	state := filepath.Join(dir, "state")
	timeIt := func(name string, args ...string) time.Duration {
		cmd := exec.Command(name, args...)
		start := time.Now()
		out, err := cmd.CombinedOutput()
		d := time.Since(start)
		if err != nil || !strings.Contains(string(out), "Eu sou a linguagem Go!") {
			b.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
		}
		return d
	}
	var plain, viaLeve []float64
	for i := range runRounds {
		plain = append(plain, float64(timeIt(runc, "--root", state, "run", "--bundle", bundle, "bench-"+strconv.Itoa(i))))
		viaLeve = append(viaLeve, float64(timeIt(leve, "run", "--engine", "runc", ref)))
	}
	for b.Loop() {
	}
	p, l := medianOf(plain)/1e6, medianOf(viaLeve)/1e6
	b.ReportMetric(p, "runc-ms")
	b.ReportMetric(l, "leve-run-ms")
	b.ReportMetric(l-p, "overhead-ms")
	fmt.Fprintf(os.Stdout, "\n| hello, empty stdin (median of %d) | time |\n|---|--:|\n| runc run --bundle (bundle ready) | %.0f ms |\n| leve run --engine runc oci:DIR | %.0f ms |\n| overhead | %.0f ms |\n",
		runRounds, p, l, l-p)
}
