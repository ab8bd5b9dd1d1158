package bench

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// compressionSetting is one --compression/--level pair.
type compressionSetting struct{ compression, level string }

// settings are every compression setting leve offers, gzip first.
var settings = []compressionSetting{
	{"gzip", "fast"}, {"gzip", "default"}, {"gzip", "max"},
	{"zstd", "fast"}, {"zstd", "default"}, {"zstd", "max"},
}

// examplePulls holds the pull sizes measured once per run: per example,
// leve's per setting (same order as settings), ko's default and the
// Dockerfile FROM scratch best practice.
var examplePulls struct {
	once sync.Once
	rows []examplePullRow
}

// examplePullRow is one example's line of the pull-size table.
type examplePullRow struct {
	ex                example
	leve              []int64 // per setting, in the order of settings
	pack              int64   // leve --pack at the default setting; 0 for cgo (not packable)
	ko, koSW, fromScr int64
}

// BenchmarkExamplePullSizes builds every example for linux/amd64 with each
// compression setting, with ko v0.19.1's defaults and as Docker's FROM
// scratch best practice (the stripped binary alone in one layer,
// go-containerregistry's default gzip), and prints the Markdown table of
// docs/benchmarks.md with the targets for hello.
func BenchmarkExamplePullSizes(b *testing.B) {
	examplePulls.once.Do(func() { examplePulls.rows = measureExamplePulls(b) })
	rows := examplePulls.rows
	for b.Loop() {
	}
	var t strings.Builder
	fmt.Fprint(&t, "| example |")
	for _, s := range settings {
		fmt.Fprintf(&t, " %s %s |", s.compression, s.level)
	}
	fmt.Fprintln(&t, " ko v0.19.1 default | Dockerfile FROM scratch |")
	fmt.Fprintln(&t, "|---|"+strings.Repeat("--:|", len(settings)+2))
	for _, r := range rows {
		fmt.Fprintf(&t, "| %s |", r.ex.name)
		for i, n := range r.leve {
			fmt.Fprintf(&t, " %s |", comma(n))
			b.ReportMetric(float64(n), r.ex.name+"-"+settings[i].compression+"-"+settings[i].level+"-B")
		}
		b.ReportMetric(float64(r.ko), r.ex.name+"-ko-B")
		b.ReportMetric(float64(r.koSW), r.ex.name+"-ko-sw-B")
		b.ReportMetric(float64(r.fromScr), r.ex.name+"-scratch-B")
		if r.pack > 0 {
			b.ReportMetric(float64(r.pack), r.ex.name+"-pack-B")
		}
		mark := ""
		if r.ex.cgo {
			mark = " ¹"
		}
		fmt.Fprintf(&t, " %s%s | %s%s |\n", comma(r.ko), mark, comma(r.fromScr), mark)
	}
	fmt.Fprintln(&t, "\n¹ the dynamic cgo binary alone on scratch, without its loader and libc: it does not run.")
	hello := rows[0].leve
	verdict := func(ok bool) string {
		if ok {
			return "met"
		}
		return "NOT met"
	}
	fmt.Fprintf(&t, "\nhello, gzip default ≤ 725,000 B: %s (%s B); zstd max ≤ 740,000 B: %s (%s B).\n",
		verdict(hello[1] <= 725000), comma(hello[1]), verdict(hello[5] <= 740000), comma(hello[5]))
	fmt.Fprint(os.Stdout, "\n", t.String())
}

// measureExamplePulls builds the images and reads their pull sizes.
func measureExamplePulls(b *testing.B) []examplePullRow {
	bin := buildTools(b)
	leve, ko, crane := filepath.Join(bin, "leve"), filepath.Join(bin, "ko"), filepath.Join(bin, "crane")
	src := examplesDir(b)
	out := filepath.Join(workDir, "pulls")
	reg := startRegistry(b, crane)
	base := scratchBase(b, crane, reg)
	// A cache of its own: each app is compiled once, each setting compresses.
	leveEnv := []string{"LEVE_CACHE=" + filepath.Join(workDir, "pulls-cache")}
	var rows []examplePullRow
	for _, e := range examples {
		row := examplePullRow{ex: e}
		for _, s := range settings {
			layout := filepath.Join(out, e.name, s.compression+"-"+s.level)
			args := append([]string{"build", "--platform", "linux/amd64", "--sbom", "none",
				"--compression", s.compression, "--level", s.level, "-o", layout}, e.flags...)
			mustRun(b, filepath.Join(src, e.name), leveEnv, leve, append(args, ".")...)
			row.leve = append(row.leve, mustPullSize(b, layout))
		}

		if !e.cgo { // a packed executable must be static
			layout := filepath.Join(out, e.name, "pack")
			mustRun(b, filepath.Join(src, e.name), leveEnv, leve, "build", "--platform", "linux/amd64", "--sbom", "none", "--pack", "-o", layout, ".")
			row.pack = mustPullSize(b, layout)
		}

		koEnv := append(e.cgoEnv(), "KO_DEFAULTBASEIMAGE="+base, "KO_DOCKER_REPO="+reg+"/"+e.name)
		koOut := filepath.Join(out, e.name, "ko")
		mustRun(b, filepath.Join(src, e.name), koEnv, ko, "build", "--bare", "--push=false", "--sbom=none",
			"--platform=linux/amd64", "--oci-layout-path", koOut, ".")
		row.ko = mustPullSize(b, koOut)
		koOut = filepath.Join(out, e.name, "ko-sw")
		mustRun(b, filepath.Join(src, e.name), koEnv, ko, "build", "--bare", "--push=false", "--sbom=none",
			"--platform=linux/amd64", "--ldflags=-s -w", "--oci-layout-path", koOut, ".")
		row.koSW = mustPullSize(b, koOut)

		row.fromScr = mustPullSize(b, fromScratch(b, crane, reg, e, filepath.Join(src, e.name), filepath.Join(out, e.name, "scratch")))
		rows = append(rows, row)
	}
	return rows
}

// fromScratch builds e's stripped binary with go build, puts it alone in
// one layer on an empty base with crane (go-containerregistry's default
// gzip), as a Dockerfile FROM scratch with COPY does, pulls the image into
// the OCI layout out and returns out.
func fromScratch(b *testing.B, crane, reg string, e example, src, out string) string {
	b.Helper()
	exe := filepath.Join(workDir, "scratch-"+e.name, e.name)
	mustRun(b, src, e.cgoEnv(), "go", "build", "-trimpath", "-ldflags=-s -w", "-o", exe, ".")
	writeFile(b, exe+".tar", layerTar(b, "app", layerFile{e.name, readFile(b, exe)}))
	repo := reg + "/scratch-" + e.name
	mustRun(b, workDir, nil, crane, "append", "--oci-empty-base", "-f", exe+".tar", "-t", repo+":tmp")
	mustRun(b, workDir, nil, crane, "mutate", "--set-platform", "linux/amd64", "--entrypoint", "/app/"+e.name,
		"--user", "65532:65532", "--workdir", "/app", "-t", repo+":latest", repo+":tmp")
	mustRun(b, workDir, nil, crane, "pull", "--format", "oci", repo+":latest", out)
	return out
}

// mustPullSize is layoutPullSize's total, stopping the benchmark on error.
func mustPullSize(b *testing.B, layout string) int64 {
	b.Helper()
	p, err := layoutPullSize(layout)
	if err != nil {
		b.Fatal(err)
	}
	return p.Total()
}
