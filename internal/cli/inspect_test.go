package cli

import (
	"archive/tar"
	"bytes"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/layout"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
)

// wastefulLayout writes an OCI layout of a two-layer image: a 3000-byte
// file in the first layer, overwritten in the second (3000 B disk waste).
func wastefulLayout(t *testing.T) string {
	t.Helper()
	mk := func(body []byte) v1.Layer {
		var buf bytes.Buffer
		tw := tar.NewWriter(&buf)
		if err := tw.WriteHeader(&tar.Header{Name: "data", Mode: 0o644, Size: int64(len(body)), Typeflag: tar.TypeReg}); err != nil {
			t.Fatal(err)
		}
		tw.Write(body)
		tw.Close()
		b := buf.Bytes()
		l, err := tarball.LayerFromOpener(func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(b)), nil })
		if err != nil {
			t.Fatal(err)
		}
		return l
	}
	img, err := mutate.AppendLayers(empty.Image, mk(bytes.Repeat([]byte("a"), 3000)), mk(bytes.Repeat([]byte("b"), 1000)))
	if err != nil {
		t.Fatal(err)
	}
	cf, _ := img.ConfigFile()
	cf = cf.DeepCopy()
	cf.OS, cf.Architecture = "linux", runtime.GOARCH
	if img, err = mutate.ConfigFile(img, cf); err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "layout")
	p, err := layout.Write(dir, empty.Index)
	if err != nil {
		t.Fatal(err)
	}
	if err := p.AppendImage(img); err != nil {
		t.Fatal(err)
	}
	return dir
}

func TestInspectCommand(t *testing.T) {
	dir := wastefulLayout(t)
	ref := "oci:" + dir
	work := t.TempDir()
	code, out, errOut := run(t, work, "inspect", "--json", ref)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var r struct {
		Schema string `json:"schema"`
		Waste  struct {
			DiskBytes  int64   `json:"diskBytes"`
			Efficiency float64 `json:"efficiency"`
		} `json:"waste"`
		Layers []struct {
			Estimated bool `json:"estimated"`
		} `json:"layers"`
	}
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	if r.Schema != "leve.inspect/v1" || r.Waste.DiskBytes != 3000 || r.Waste.Efficiency != 0.25 || len(r.Layers) != 2 || r.Layers[0].Estimated {
		t.Errorf("report %+v", r)
	}
	code, out, _ = run(t, work, "inspect", ref)
	if code != 0 || !strings.Contains(out, "waste: disk 3.0 KB (3000 B)") || !strings.Contains(out, "efficiency 25.0 %") || !strings.Contains(out, "/data") {
		t.Errorf("text report, exit %d:\n%s", code, out)
	}
	code, out, _ = run(t, work, "inspect", "--format", "markdown", ref)
	if code != 0 || !strings.Contains(out, "| # | digest |") || !strings.Contains(out, "**disk waste 3.0 KB**") {
		t.Errorf("markdown report, exit %d:\n%s", code, out)
	}
	page := filepath.Join(work, "i.html")
	code, _, errOut = run(t, work, "inspect", "--html", page, ref)
	b, err := os.ReadFile(page)
	if code != 0 || err != nil || !bytes.Contains(b, []byte(`id="layers"`)) || bytes.Contains(b, []byte("http://")) && !bytes.Contains(b, []byte("http://www.w3.org/2000/svg")) {
		t.Errorf("html: exit %d %s %v", code, errOut, err)
	}

	// Gates: each failing rule is named; passing ones exit 0.
	for _, tc := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"--max-waste", "2KB"}, ExitError, "--max-waste 2KB: disk waste 3.0 KB (3000 B) is over 2000 B"},
		{[]string{"--max-waste", "3KB"}, 0, "gates passed: 1 rules"},
		{[]string{"--max-waste", "70%"}, ExitError, "is 75.0 % of"},
		{[]string{"--min-efficiency", "30%"}, ExitError, "--min-efficiency 30%: efficiency 25.0 %"},
		{[]string{"--min-efficiency", "0.25"}, 0, "gates passed"},
		{[]string{"--max-size", "1B"}, ExitError, "--max-size 1B: pull size"},
		{[]string{"--min-efficiency", "2"}, ExitUsage, "between 0 and 1"},
		{[]string{"--max-size", "big"}, ExitUsage, "--max-size \"big\""},
	} {
		code, _, errOut := run(t, work, append(append([]string{"inspect"}, tc.args...), ref)...)
		if code != tc.code || !strings.Contains(errOut, tc.want) {
			t.Errorf("%v: exit %d, stderr %q; want %d with %q", tc.args, code, errOut, tc.code, tc.want)
		}
	}
	// Bad calls: one line, nothing on stdout.
	for _, tc := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"inspect"}, ExitUsage, "inspect takes one IMAGE"},
		{[]string{"inspect", "--format", "yaml", ref}, ExitUsage, `--format "yaml" is not one leve writes`},
		{[]string{"inspect", "--html", filepath.Join(work, "no", "dir.html"), ref}, ExitError, "writing the HTML report"},
		{[]string{"inspect", "oci:" + filepath.Join(work, "none")}, ExitError, "none"},
		{[]string{"inspect", "--platform", "linux/s390x", ref}, ExitError, "s390x"},
	} {
		code, out, errOut := run(t, work, tc.args...)
		if code != tc.code || !strings.Contains(errOut, tc.want) || out != "" || strings.Count(strings.TrimSpace(errOut), "\n") != 0 {
			t.Errorf("%v: exit %d, stdout %q, stderr %q; want %d with %q", tc.args, code, out, errOut, tc.code, tc.want)
		}
	}
	// CI=true alone never gates.
	t.Setenv("CI", "true")
	if code, _, errOut := run(t, work, "inspect", ref); code != 0 {
		t.Errorf("CI=true: exit %d %s", code, errOut)
	}
}

func TestInspectDiveCI(t *testing.T) {
	dir := wastefulLayout(t)
	ref := "oci:" + dir
	work := t.TempDir()
	write := func(s string) {
		if err := os.WriteFile(filepath.Join(work, ".dive-ci"), []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	// dive's own example file, unchanged.
	write("rules:\n  # If the efficiency is measured below X%, mark as failed.\n  lowestEfficiency: 0.95\n  highestWastedBytes: 20MB\n  highestUserWastedPercent: 0.20\n")
	code, _, errOut := run(t, work, "inspect", "--ci-config", "--", ref)
	if code != ExitError || !strings.Contains(errOut, ".dive-ci rules.lowestEfficiency 0.95: efficiency 25.0 %") ||
		!strings.Contains(errOut, "rules.highestUserWastedPercent 0.20: disk waste is 300.0 % of the bytes above the base layer") ||
		strings.Contains(errOut, "highestWastedBytes") {
		t.Errorf("exit %d, stderr %q", code, errOut)
	}
	write("rules:\n  lowestEfficiency: disabled\n  highestWastedBytes: 2KB\n  highestUserWastedPercent: disabled\n")
	if code, _, errOut = run(t, work, "inspect", "--ci-config=.dive-ci", ref); code != ExitError || !strings.Contains(errOut, "rules.highestWastedBytes 2KB: disk waste 3.0 KB (3000 B)") {
		t.Errorf("exit %d, stderr %q", code, errOut)
	}
	write("rules:\n  lowestEfficency: 0.9\n")
	if code, _, errOut = run(t, work, "inspect", "--ci-config=.dive-ci", ref); code != ExitError || !strings.Contains(errOut, "lowestEfficency is not a rule") {
		t.Errorf("exit %d, stderr %q", code, errOut)
	}
	if code, _, errOut = run(t, work, "inspect", "--ci-config=nope.yaml", ref); code != ExitError || !strings.Contains(errOut, "nope.yaml") {
		t.Errorf("exit %d, stderr %q", code, errOut)
	}
}
