package bench

import (
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"
)

// rebuild holds the warm rebuild medians, in seconds, measured once per run.
var rebuild struct {
	once                 sync.Once
	leve, goSame, goBare float64
}

// BenchmarkHelloWarmRebuild times, with hyperfine in one run, a warm
// "leve build" of examples/hello with no source change against "go build"
// of the same package (with leve's flags, and plain), and prints the
// Markdown rows of docs/benchmarks.md.
func BenchmarkHelloWarmRebuild(b *testing.B) {
	hyperfine := needTool(b, "hyperfine")
	rebuild.once.Do(func() { measureRebuild(b, hyperfine) })
	for b.Loop() {
	}
	b.ReportMetric(rebuild.leve*1000, "leve-ms")
	b.ReportMetric(rebuild.goSame*1000, "go-build-ms")
	b.ReportMetric(rebuild.goBare*1000, "go-build-plain-ms")
	delta := (rebuild.leve - rebuild.goSame) * 1000
	verdict := "met"
	if delta > 150 {
		verdict = "NOT met"
	}
	fmt.Fprintf(os.Stdout, "\n| command (warm, no source change) | median |\n|---|--:|\n"+
		"| `leve build -o OUT .` | %.0f ms |\n"+
		"| `CGO_ENABLED=0 go build -trimpath -ldflags='-s -w' -o BIN .` | %.0f ms |\n"+
		"| `go build -o BIN .` | %.0f ms |\n"+
		"\nTarget leve ≤ go build + 150 ms: %s (leve − go build = %+.0f ms).\n",
		rebuild.leve*1000, rebuild.goSame*1000, rebuild.goBare*1000, verdict, delta)
}

// measureRebuild runs hyperfine over the three warm builds and records the
// medians.
func measureRebuild(b *testing.B, hyperfine string) {
	leve := filepath.Join(buildTools(b), "leve")
	src := hello(b)
	out := filepath.Join(workDir, "rebuild")
	layout, exe, exeBare := filepath.Join(out, "layout"), filepath.Join(out, "hello"), filepath.Join(out, "hello-plain")
	report := filepath.Join(out, "hyperfine.json")
	if err := os.MkdirAll(out, 0o755); err != nil {
		b.Fatal(err)
	}
	mustRun(b, src, []string{"CGO_ENABLED=0"}, hyperfine, "--shell=none", "--warmup", "3", "--runs", "20",
		"--export-json", report,
		"-n", "leve", leve+" build -o "+layout+" .",
		"-n", "go build", "go build -trimpath -ldflags='-s -w' -o "+exe+" .",
		"-n", "go build plain", "go build -o "+exeBare+" .")
	var res struct {
		Results []struct {
			Command string
			Median  float64
		}
	}
	if err := readJSON(report, &res); err != nil {
		b.Fatal(err)
	}
	medians := map[string]float64{}
	for _, r := range res.Results {
		medians[r.Command] = r.Median
	}
	rebuild.leve, rebuild.goSame, rebuild.goBare = medians["leve"], medians["go build"], medians["go build plain"]
}
