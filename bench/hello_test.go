package bench

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// helloSrc copies examples/hello to a temporary directory on first use, so
// that builds write nothing into the repository, and returns the copy.
var helloSrc = sync.OnceValues(func() (string, error) {
	dst := filepath.Join(workDir, "src", "hello")
	return dst, os.CopyFS(dst, os.DirFS(filepath.Join(repoRoot, "examples", "hello")))
})

// hello returns the copy of examples/hello.
func hello(b *testing.B) string {
	b.Helper()
	dir, err := helloSrc()
	if err != nil {
		b.Fatal(err)
	}
	return dir
}

// sizeRow is one image of the pull-size comparison.
type sizeRow struct {
	name, metric, command string
	size                  pullSize
	estimate              string // set for rows that are a lower bound
}

// pullSizes measures every image once per run.
var pullSizes struct {
	once         sync.Once
	rows         []sizeRow
	scratchGzip6 int64 // the FROM scratch layer at gzip level 6, as docker push sends it
}

// BenchmarkHelloPullSize compares the pull size (manifest + config +
// compressed layers) of examples/hello built by leve, ko (default and
// -s -w), a Docker best-practice FROM scratch image and the seed's
// Dockerfile. It prints the Markdown table of docs/benchmarks.md.
func BenchmarkHelloPullSize(b *testing.B) {
	pullSizes.once.Do(func() { pullSizes.rows = measurePullSizes(b) })
	rows := pullSizes.rows
	if len(rows) == 0 {
		b.Fatal("no measurements")
	}
	for b.Loop() {
	}
	for _, r := range rows {
		id := strings.TrimSuffix(r.metric, "-B")
		b.ReportMetric(float64(r.size.Total()), r.metric)
		b.ReportMetric(float64(r.size.LayerBytes()), id+"-layers-B")
		b.ReportMetric(float64(len(r.size.Layers)), id+"-layers")
		b.ReportMetric(float64(r.size.Config), id+"-config-B")
		b.ReportMetric(float64(r.size.Manifest), id+"-manifest-B")
		for i, l := range r.size.Layers {
			b.ReportMetric(float64(l), fmt.Sprintf("%s-layer%d-B", id, i+1))
		}
	}
	b.ReportMetric(float64(pullSizes.scratchGzip6), "scratch-gzip6-B")
	leve := rows[0].size.Total()
	var t strings.Builder
	fmt.Fprintln(&t, "| image | compressed layers | config | manifest | total pull | leve ÷ it | command |")
	fmt.Fprintln(&t, "|---|--:|--:|--:|--:|--:|---|")
	for _, r := range rows {
		total := fmt.Sprintf("%s B", comma(r.size.Total()))
		if r.estimate != "" {
			total = "≥ " + total + " " + r.estimate
		}
		fmt.Fprintf(&t, "| %s | %s B (%d) | %s B | %s B | %s | %.2f | `%s` |\n",
			r.name, comma(r.size.LayerBytes()), len(r.size.Layers), comma(r.size.Config), comma(r.size.Manifest),
			total, float64(leve)/float64(r.size.Total()), r.command)
	}
	verdict := "met"
	if leve > 770000 {
		verdict = "NOT met"
	}
	fmt.Fprintf(&t, "\nTarget total pull ≤ 770,000 B: %s (%s B).\n", verdict, comma(leve))
	fmt.Fprint(os.Stdout, "\n", t.String())
}

// measurePullSizes builds examples/hello (and the seed's app.go) with each
// tool and reads the pull size of each image; leve's row comes first.
func measurePullSizes(b *testing.B) []sizeRow {
	bin := buildTools(b)
	leve, ko, crane := filepath.Join(bin, "leve"), filepath.Join(bin, "ko"), filepath.Join(bin, "crane")
	src := hello(b)
	out := filepath.Join(workDir, "out")
	var rows []sizeRow
	add := func(name, metric, command, layout string) {
		p, err := layoutPullSize(layout)
		if err != nil {
			b.Fatalf("%s: %v", name, err)
		}
		rows = append(rows, sizeRow{name: name, metric: metric, command: command, size: p})
	}

	mustRun(b, src, nil, leve, "build", "--platform", "linux/amd64", "-o", filepath.Join(out, "leve"), ".")
	add("leve build", "leve-B", "leve build --platform linux/amd64 -o OUT examples/hello", filepath.Join(out, "leve"))

	reg := startRegistry(b, crane)
	base := scratchBase(b, crane, reg)
	koEnv := []string{"GOPROXY=off", "KO_DEFAULTBASEIMAGE=" + base, "KO_DOCKER_REPO=" + reg + "/app"}
	koArgs := []string{"build", "--bare", "--push=false", "--sbom=none", "--platform=linux/amd64"}
	mustRun(b, src, koEnv, ko, append(koArgs, "--oci-layout-path", filepath.Join(out, "ko"), ".")...)
	add("ko v0.19.1, defaults", "ko-B", "ko build --bare --push=false --sbom=none --oci-layout-path OUT .", filepath.Join(out, "ko"))
	mustRun(b, src, koEnv, ko, append(koArgs, "--ldflags=-s -w", "--oci-layout-path", filepath.Join(out, "ko-sw"), ".")...)
	add("ko v0.19.1, -ldflags=-s -w", "ko-sw-B", "ko build --ldflags='-s -w' --bare --push=false --sbom=none --oci-layout-path OUT .", filepath.Join(out, "ko-sw"))

	// Docker best practice: the stripped static binary alone in one layer
	// on scratch, as examples/hello/Dockerfile builds it, with
	// go-containerregistry's default gzip.
	exe := filepath.Join(workDir, "scratch", "hello")
	mustRun(b, src, []string{"CGO_ENABLED=0"}, "go", "build", "-trimpath", "-ldflags=-s -w", "-o", exe, ".")
	layer := layerTar(b, "app", layerFile{"hello", readFile(b, exe)})
	writeFile(b, exe+".tar", layer)
	mustRun(b, workDir, nil, crane, "append", "--oci-empty-base", "-f", exe+".tar", "-t", reg+"/scratch:tmp")
	mustRun(b, workDir, nil, crane, "mutate", "--set-platform", "linux/amd64", "--entrypoint", "/app/hello",
		"--user", "65532:65532", "--workdir", "/app", "-t", reg+"/scratch:latest", reg+"/scratch:tmp")
	mustRun(b, workDir, nil, crane, "pull", "--format", "oci", reg+"/scratch:latest", filepath.Join(out, "scratch"))
	add("Dockerfile FROM scratch (stripped, one gzip layer)", "scratch-B",
		"CGO_ENABLED=0 go build -trimpath -ldflags='-s -w'; crane append --oci-empty-base; crane mutate", filepath.Join(out, "scratch"))
	pullSizes.scratchGzip6 = gzipSize(b, layer)
	fmt.Fprintf(os.Stdout, "FROM scratch layer at gzip level 6 (docker push): %s B\n", comma(pullSizes.scratchGzip6))

	// The seed's Dockerfile on alpine, which cannot be pulled here: its
	// unstripped binary in the COPY layer, which "RUN chmod -R 755" repeats
	// byte for byte (same digest: pulled once, stored twice).
	seed := filepath.Join(workDir, "seed")
	writeFile(b, filepath.Join(seed, "app.go"), readFile(b, filepath.Join(repoRoot, "examples", "seed", "app.go")))
	mustRun(b, seed, []string{"GO111MODULE=auto"}, "go", "build", "-o", "app", "app.go")
	seedLayer := gzipSize(b, layerTar(b, "appexec", layerFile{"app.go", readFile(b, filepath.Join(seed, "app"))}))
	rows = append(rows, sizeRow{
		name: "the seed's Dockerfile, its binary layer only", metric: "seed-B",
		command:  "GO111MODULE=auto go build app.go; gzip -6 of the /appexec layer",
		size:     pullSize{Layers: []int64{seedLayer}},
		estimate: "+ alpine ≈ 3.6 MB",
	})
	return rows
}

// comma formats n with thousands separators: 1,602,359.
func comma(n int64) string {
	s := fmt.Sprint(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}
