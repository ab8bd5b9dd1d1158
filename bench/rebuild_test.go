package bench

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"testing"

	"github.com/leve-build/leve/bench/benchrec"
)

// rebuildRounds is how many hyperfine runs the warm rebuild takes; the
// figures are medians over rounds, so that a change of machine load during
// one round (hyperfine runs each command's repetitions back to back) moves
// them less.
const rebuildRounds = 5

// rebuild holds the warm rebuild medians, in seconds, measured once per run.
var rebuild struct {
	once                        sync.Once
	rounds                      int
	leve, goSame, goBare, delta float64
}

// BenchmarkHelloWarmRebuild times, with hyperfine, a warm "leve build" of
// examples/hello with no source change against "go build" of the same
// package (with leve's flags, and plain), and prints the Markdown rows of
// docs/benchmarks.md.
func BenchmarkHelloWarmRebuild(b *testing.B) {
	hyperfine := needTool(b, "hyperfine")
	rebuild.once.Do(func() { measureRebuild(b, hyperfine) })
	for b.Loop() {
	}
	b.ReportMetric(rebuild.leve*1000, "leve-ms")
	b.ReportMetric(rebuild.goSame*1000, "go-build-ms")
	b.ReportMetric(rebuild.goBare*1000, "go-build-plain-ms")
	b.ReportMetric(rebuild.delta*1000, "delta-ms")
	verdict := "met"
	if rebuild.delta*1000 > 150 {
		verdict = "NOT met"
	}
	fmt.Fprintf(os.Stdout, "\n| command (warm, no source change) | median |\n|---|--:|\n"+
		"| `leve build -o OUT .` | %.0f ms |\n"+
		"| `CGO_ENABLED=0 go build -trimpath -ldflags='-s -w' -o BIN .` | %.0f ms |\n"+
		"| `go build -o BIN .` | %.0f ms |\n"+
		"\nTarget leve ≤ go build + 150 ms: %s (leve − go build = %+.0f ms, median over %d rounds).\n",
		rebuild.leve*1000, rebuild.goSame*1000, rebuild.goBare*1000, verdict, rebuild.delta*1000, rebuild.rounds)
	b.ReportMetric(float64(rebuild.rounds), "rounds")
}

// measureRebuild runs hyperfine rebuildRounds times over the three warm
// builds and records the medians over rounds of each command's median and
// of leve's difference from go build.
func measureRebuild(b *testing.B, hyperfine string) {
	leve := filepath.Join(buildTools(b), "leve")
	src := hello(b)
	out := filepath.Join(workDir, "rebuild")
	layout, exe, exeBare := filepath.Join(out, "layout"), filepath.Join(out, "hello"), filepath.Join(out, "hello-plain")
	if err := os.MkdirAll(out, 0o755); err != nil {
		b.Fatal(err)
	}
	rounds, runs, warmup := rebuildRounds, "10", "2"
	if benchrec.Quick() {
		rounds, runs, warmup = 1, "3", "1"
	}
	var leves, sames, bares, deltas []float64
	for round := range rounds {
		report := filepath.Join(out, fmt.Sprintf("hyperfine-%d.json", round))
		mustRun(b, src, []string{"CGO_ENABLED=0"}, hyperfine, "--shell=none", "--warmup", warmup, "--runs", runs,
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
		leves = append(leves, medians["leve"])
		sames = append(sames, medians["go build"])
		bares = append(bares, medians["go build plain"])
		deltas = append(deltas, medians["leve"]-medians["go build"])
	}
	rebuild.rounds = rounds
	rebuild.leve, rebuild.goSame, rebuild.goBare, rebuild.delta = medianOf(leves), medianOf(sames), medianOf(bares), medianOf(deltas)
}

// medianOf returns the median of xs (the upper one for an even count).
func medianOf(xs []float64) float64 {
	s := slices.Clone(xs)
	slices.Sort(s)
	return s[len(s)/2]
}
