package render

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/leve-build/leve/bench/benchrec"
)

// TestCommittedFilesAreRendered renders docs/benchmarks.md, the README's
// blocks and docs/bench.svg from the committed bench/results.json and
// requires the committed files to be exactly that, so no published figure
// is typed by hand.
func TestCommittedFilesAreRendered(t *testing.T) {
	root := filepath.Join("..", "..")
	res, err := benchrec.ReadResults(filepath.Join(root, "bench", "results.json"))
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Suites) == 0 {
		t.Fatal("bench/results.json holds no suite")
	}
	files, err := Files(root, res)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		have, err := os.ReadFile(filepath.Join(root, f.Path))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(have, f.Data) {
			t.Errorf("%s differs from its rendering from bench/results.json (first difference at line %d); run bench/run --render",
				f.Path, firstDiffLine(have, f.Data))
		}
	}
}

// firstDiffLine is the 1-based number of the first line where a and b differ.
func firstDiffLine(a, b []byte) int {
	la, lb := strings.Split(string(a), "\n"), strings.Split(string(b), "\n")
	for i := range min(len(la), len(lb)) {
		if la[i] != lb[i] {
			return i + 1
		}
	}
	return min(len(la), len(lb)) + 1
}

// results is a small results file for the tests.
func results() *benchrec.Results {
	return &benchrec.Results{Suites: map[string]*benchrec.Suite{
		"pull": {
			Machine: benchrec.Machine{CPUs: 2, CPU: "Test CPU", Kernel: "6.1.0", Load: 1.25},
			Date:    "2026-01-02T03:04:05Z", Commit: "abc1234", Go: "go1.26.8", Seconds: 125,
			Commands: []string{"go test ./bench/ -bench X"},
			Records: map[string]any{
				"bench.ExamplePullSizes:hello-gzip-default-B": 690010.0,
				"bench.ExamplePullSizes:hello-ko-B":           1531968.0,
				"report":                                      "pull size 690 kB",
			},
		},
	}}
}

func TestTemplate(t *testing.T) {
	dir := t.TempDir()
	tmpl := filepath.Join(dir, "t.tmpl")
	text := `{{$e := "pull.bench.ExamplePullSizes:"}}{{B (r $e "hello-gzip-default-B")}} B, {{ratio (r $e "hello-gzip-default-B") (r $e "hello-ko-B")}} of ko, ` +
		`{{verdict (le (r $e "hello-gzip-default-B") 725000)}}; {{str "pull.report"}}; {{if has $e "cgo-pack-B"}}packed{{else}}–{{end}}
{{meta "pull"}}
{{commands "pull"}}`
	if err := os.WriteFile(tmpl, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	got, err := Template(tmpl, results())
	if err != nil {
		t.Fatal(err)
	}
	want := "690,010 B, 0.45 of ko, **met**; pull size 690 kB; –\n" +
		"Measured at commit abc1234 on 2026-01-02 03:04 UTC with go1.26.8: 2 CPUs (Test CPU), Linux 6.1.0, load average 1.2 at the start; the suite took 2 min 5 s.\n" +
		"go test ./bench/ -bench X"
	if string(got) != want {
		t.Errorf("Template() = %q\nwant %q", got, want)
	}
}

func TestTemplateMissingRecord(t *testing.T) {
	tmpl := filepath.Join(t.TempDir(), "t.tmpl")
	if err := os.WriteFile(tmpl, []byte(`{{r "cold.bench.ManyApps:cpu1-ko-s"}}`), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := Template(tmpl, results())
	if err == nil || !strings.Contains(err.Error(), `no record "cold.bench.ManyApps:cpu1-ko-s"`) || !strings.Contains(err.Error(), "--suite cold") {
		t.Errorf("Template() error = %v, want one naming the missing record and its suite", err)
	}
}

func TestBlocks(t *testing.T) {
	doc := "# Title\n<!-- bench:a -->\nold a\n<!-- /bench:a -->\ntext\n<!-- bench:b -->\n<!-- /bench:b -->\n"
	got, err := Blocks([]byte(doc), func(name string) ([]byte, error) { return []byte("new " + name), nil })
	if err != nil {
		t.Fatal(err)
	}
	want := "# Title\n<!-- bench:a -->\nnew a\n<!-- /bench:a -->\ntext\n<!-- bench:b -->\nnew b\n<!-- /bench:b -->\n"
	if string(got) != want {
		t.Errorf("Blocks() = %q, want %q", got, want)
	}
	if _, err := Blocks([]byte("<!-- bench:a -->\nx\n<!-- /bench:b -->\n"), func(string) ([]byte, error) { return nil, nil }); err == nil {
		t.Error("Blocks() of a block closed by another name: no error")
	}
}

func TestChart(t *testing.T) {
	res := results()
	a, err := Chart(res)
	if err != nil {
		t.Fatal(err)
	}
	b, err := Chart(res)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a, b) {
		t.Error("Chart() gave different bytes for the same results")
	}
	svg := string(a)
	for _, want := range []string{`<svg xmlns="http://www.w3.org/2000/svg"`, "690,010 B", "1,531,968 B", ">hello<", "</svg>\n"} {
		if !strings.Contains(svg, want) {
			t.Errorf("Chart() lacks %q", want)
		}
	}
	// Only hello has records: no other app, and two bars (leve and ko).
	if strings.Contains(svg, ">api<") {
		t.Error("Chart() draws api, which has no records")
	}
	if n := strings.Count(svg, `height="13"`); n != 2 {
		t.Errorf("Chart() draws %d bars, want 2", n)
	}
	// ko's bar is the longest of its app: the full width.
	if !strings.Contains(svg, `width="440.0" height="13" fill="#d9622b"`) {
		t.Errorf("Chart() does not draw ko's bar at full width:\n%s", svg)
	}
}
