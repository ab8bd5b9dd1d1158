package bench

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"
)

// manyAppsStep is one timed command of the many-apps comparison.
type manyAppsStep struct {
	dir  string   // working directory
	env  []string // added environment
	name string   // program path
	args []string
}

// manyAppsRow is one way of building the five examples.
type manyAppsRow struct {
	id, name, command string
	steps             []manyAppsStep
}

// BenchmarkManyApps builds the five examples for linux/amd64 and
// linux/arm64 (examples/cgo for linux/amd64 only: --libs=copy copies the
// build host's libraries) with leve in one command of several targets, with
// leve one app per command, and with ko v0.19.1 one app per command (ko
// builds in one module at a time; each example is its own module). Every
// row runs once, untimed, first, so the Go build cache is warm for all;
// leve's own cache is off (LEVE_CACHE=) except in the row that says so.
// Each row's time is the median of manyAppsRounds timed runs. It prints the Markdown table of docs/benchmarks.md.
func BenchmarkManyApps(b *testing.B) {
	bin := buildTools(b)
	leve, ko, crane := filepath.Join(bin, "leve"), filepath.Join(bin, "ko"), filepath.Join(bin, "crane")
	src := examplesDir(b)
	reg := startRegistry(b, crane)
	base := twoPlatformBase(b, crane, reg)
	out := filepath.Join(workDir, "many")
	const platforms = "linux/amd64,linux/arm64"
	noCache := []string{"LEVE_CACHE="}
	withCache := []string{"LEVE_CACHE=" + filepath.Join(workDir, "many-cache")}

	var goApps []string
	for _, e := range examples {
		if !e.cgo {
			goApps = append(goApps, "./"+e.name)
		}
	}
	cgoStep := func(env []string, level string) manyAppsStep {
		return manyAppsStep{src, env, leve, []string{"build", "--cgo", "--libs=copy", "--level", level, "-o", filepath.Join(out, "cgo"), "./cgo"}}
	}
	several := func(env []string, level string) []manyAppsStep {
		return []manyAppsStep{
			{src, env, leve, append([]string{"build", "--platform", platforms, "--level", level, "-o", out}, goApps...)},
			cgoStep(env, level),
		}
	}
	var oneByOne, koSteps []manyAppsStep
	for _, e := range examples {
		if e.cgo {
			oneByOne = append(oneByOne, cgoStep(noCache, "default"))
			koSteps = append(koSteps, manyAppsStep{filepath.Join(src, e.name), append(e.cgoEnv(), "KO_DEFAULTBASEIMAGE="+base, "KO_DOCKER_REPO="+reg+"/many"),
				ko, []string{"build", "--bare", "--push=false", "--platform=linux/amd64", "--oci-layout-path", filepath.Join(out, "ko-"+e.name), "."}})
			continue
		}
		oneByOne = append(oneByOne, manyAppsStep{src, noCache, leve, []string{"build", "--platform", platforms, "-o", filepath.Join(out, "one-"+e.name), "./" + e.name}})
		koSteps = append(koSteps, manyAppsStep{filepath.Join(src, e.name), append(e.cgoEnv(), "KO_DEFAULTBASEIMAGE="+base, "KO_DOCKER_REPO="+reg+"/many"),
			ko, []string{"build", "--bare", "--push=false", "--platform=" + platforms, "--oci-layout-path", filepath.Join(out, "ko-"+e.name), "."}})
	}
	rows := []manyAppsRow{
		{"several", "leve, several targets in one command (+ cgo)", "leve build --platform linux/amd64,linux/arm64 -o OUT ./hello ./api ./cli ./dbclient; leve build --cgo --libs=copy -o OUT/cgo ./cgo", several(noCache, "default")},
		{"ko", "ko v0.19.1, one app per command", "ko build --bare --push=false --platform=linux/amd64,linux/arm64 --oci-layout-path OUT . (×4; cgo: CGO_ENABLED=1, linux/amd64)", koSteps},
		{"fast", "leve --level fast, several targets (+ cgo)", "leve build --level fast … (both commands of the first row)", several(noCache, "fast")},
		{"onebyone", "leve, one app per command", "leve build --platform linux/amd64,linux/arm64 -o OUT/NAME ./NAME (×4); leve build --cgo --libs=copy … ./cgo", oneByOne},
		{"max", "leve --level max, several targets (+ cgo)", "leve build --level max … (both commands of the first row)", several(noCache, "max")},
		{"cached", "leve, several targets, leve's cache warm (no change)", "LEVE_CACHE=DIR, the first row run twice; the second run timed", several(withCache, "default")},
	}
	// Warm the Go build cache (and, for the last row, leve's) for every row.
	for _, r := range rows {
		runSteps(b, r.steps)
	}
	// Every row runs once per round, rows interleaved, and each row's
	// time is its median over the rounds: a slow moment of the machine
	// then weighs on one run of every row rather than on all runs of one.
	// leve's default and ko, whose ratio is the target, run back to back.
	runs := make([][]time.Duration, len(rows))
	for range manyAppsRounds {
		for i, r := range rows {
			runs[i] = append(runs[i], runSteps(b, r.steps))
		}
	}
	times := make([]time.Duration, len(rows))
	for i := range rows {
		slices.Sort(runs[i])
		times[i] = runs[i][len(runs[i])/2]
	}
	for b.Loop() {
	}
	var t strings.Builder
	fmt.Fprintln(&t, "| build of 5 apps × 2 platforms | wall | command |\n|---|--:|---|")
	for i, r := range rows {
		b.ReportMetric(times[i].Seconds(), fmt.Sprintf("cpu%d-%s-s", runtime.NumCPU(), r.id))
		fmt.Fprintf(&t, "| %s | %.1f s | `%s` |\n", r.name, times[i].Seconds(), r.command)
	}
	fmt.Fprint(os.Stdout, "\n", t.String())
}

// manyAppsRounds is how many timed runs of each row BenchmarkManyApps
// takes the median of.
const manyAppsRounds = 5

// runSteps runs steps one after the other and returns their total wall time.
func runSteps(b *testing.B, steps []manyAppsStep) time.Duration {
	b.Helper()
	start := time.Now()
	for _, s := range steps {
		mustRun(b, s.dir, s.env, s.name, s.args...)
	}
	return time.Since(start)
}

// twoPlatformBase pushes a scratch-like image index (one empty layer for
// linux/amd64 and for linux/arm64) to the registry at reg, so that ko can
// build both platforms on it, and returns its name.
func twoPlatformBase(b *testing.B, crane, reg string) string {
	b.Helper()
	empty := filepath.Join(workDir, "empty2.tar")
	writeFile(b, empty, make([]byte, 10240))
	mustRun(b, workDir, nil, crane, "append", "--oci-empty-base", "-f", empty, "-t", reg+"/base2:tmp")
	for _, arch := range []string{"amd64", "arm64"} {
		mustRun(b, workDir, nil, crane, "mutate", "--set-platform", "linux/"+arch, "-t", reg+"/base2:"+arch, reg+"/base2:tmp")
	}
	mustRun(b, workDir, nil, crane, "index", "append", "-m", reg+"/base2:amd64", "-m", reg+"/base2:arm64", "-t", reg+"/base2:latest")
	return reg + "/base2"
}
