package report

import (
	"bytes"
	"context"
	"image/color"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

func TestAnalyzeHTMLSelfContained(t *testing.T) {
	var buf bytes.Buffer
	if err := AnalyzeHTML(&buf, sampleAnalysis(), AnalyzeOptions{Notes: []string{"a <note> & more"}}); err != nil {
		t.Fatal(err)
	}
	page := buf.String()
	for _, bad := range []string{"<link", " src=", "@import", "url(", "https://", "fetch(", "XMLHttpRequest"} {
		if strings.Contains(page, bad) {
			t.Errorf("the page contains %q: it must load nothing", bad)
		}
	}
	for _, want := range []string{`<svg id="treemap"`, `id="leve-tree"`, "runtime", "net/http", "unattributed 14.1 kB in .rodata, 16 B in .text", "a &lt;note&gt; &amp; more", "ca-certificates"} {
		if !strings.Contains(page, want) {
			t.Errorf("the page lacks %q", want)
		}
	}
	var again bytes.Buffer
	if err := AnalyzeHTML(&again, sampleAnalysis(), AnalyzeOptions{Notes: []string{"a <note> & more"}}); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(buf.Bytes(), again.Bytes()) {
		t.Error("two renderings of one report differ")
	}
}

// TestAnalyzeHTMLMethodDeadCode checks that the page marks the bytes kept
// only because reflection disabled the method dead-code elimination and
// lists the chain that disabled it.
func TestAnalyzeHTMLMethodDeadCode(t *testing.T) {
	r := sampleAnalysis()
	r.Packages[1].ReflectOnly = 300_000 // net/http
	root := analysisTree(r, "server")
	var marked int64
	var walk func(n *treeNode, pkg string)
	walk = func(n *treeNode, pkg string) {
		if n.Kind == "package" {
			pkg = n.Name
		}
		if n.Kind == "reflect" {
			if pkg != "net/http" {
				t.Errorf("%s marked kept for reflection in %s", n.Name, pkg)
			}
			marked += n.Size
		}
		for _, c := range n.Children {
			walk(c, pkg)
		}
	}
	walk(root, "")
	if marked != 300_000 {
		t.Errorf("kept for reflection: %d B in the tree, want 300000", marked)
	}
	var buf bytes.Buffer
	if err := AnalyzeHTML(&buf, r, AnalyzeOptions{}); err != nil {
		t.Fatal(err)
	}
	page := buf.String()
	for _, want := range []string{"method dead-code elimination: OFF", "main.main → github.com/example/server/internal/handlers.render → text/template.(*Template).execute",
		"kept for reflection", "4 other reflect callers may also disable it"} {
		if !strings.Contains(page, want) {
			t.Errorf("the page lacks %q", want)
		}
	}
}

func TestAnalysisTreeAddsUp(t *testing.T) {
	r := sampleAnalysis()
	r.Packages[0].ReflectOnly = 123_457
	root := analysisTree(r, "server")
	var leaves int64
	var walk func(n *treeNode)
	walk = func(n *treeNode) {
		if len(n.Children) == 0 {
			leaves += n.Size
		}
		for _, c := range n.Children {
			walk(c)
		}
	}
	walk(root)
	if leaves != r.Size {
		t.Errorf("treemap leaves add up to %d B, want the file size %d B", leaves, r.Size)
	}
}

// chromium returns the path of a Chromium binary, skipping the test when
// there is none outside CI and failing it in CI.
func chromium(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("CI") == "true" {
		t.Fatal("chromium is not installed; CI must run the HTML treemap check (apt-get install chromium)")
	}
	t.Skip("chromium is not installed: the HTML treemap check needs it (apt-get install chromium)")
	return ""
}

// headless runs Chromium without network or profile on the page with the
// given extra flags and returns its standard output.
func headless(t *testing.T, bin, page string, flags ...string) []byte {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	args := append([]string{"--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
		"--disable-background-networking", "--disable-component-update", "--disable-sync",
		"--user-data-dir=" + t.TempDir(), "--window-size=1280,900"}, flags...)
	cmd := exec.CommandContext(ctx, bin, append(args, "file://"+page)...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("chromium %v: %v\n%s", flags, err, stderr.Bytes())
	}
	return out
}

func TestAnalyzeHTMLRendersInChromium(t *testing.T) {
	bin := chromium(t)
	dir := t.TempDir()
	page := filepath.Join(dir, "analyze.html")
	var buf bytes.Buffer
	if err := AnalyzeHTML(&buf, sampleAnalysis(), AnalyzeOptions{}); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(page, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}

	dom := string(headless(t, bin, page, "--virtual-time-budget=2000", "--dump-dom"))
	svg := regexp.MustCompile(`(?s)<svg id="treemap".*?</svg>`).FindString(dom)
	if svg == "" {
		t.Fatalf("the rendered DOM has no treemap element:\n%.2000s", dom)
	}
	if n := strings.Count(svg, "<rect"); n < 25 {
		t.Errorf("the treemap has %d rectangles, want at least 25 (modules, packages and their kinds)", n)
	}
	for _, name := range []string{">std", ">runtime", ">net/http", ">fmt", ">code", ">pcln", ">not in a"} {
		if !strings.Contains(svg, name) {
			t.Errorf("the treemap shows no label %q", name[1:])
		}
	}

	// A zoomed view: std › net/http shows only that package's kinds.
	zoomed := string(headless(t, bin, page+"#zoom=std%7Cnet%2Fhttp", "--virtual-time-budget=2000", "--dump-dom"))
	svg = regexp.MustCompile(`(?s)<svg id="treemap".*?</svg>`).FindString(zoomed)
	crumbs := regexp.MustCompile(`(?s)<div id="crumbs">.*?</div>`).FindString(zoomed)
	if !strings.Contains(crumbs, "net/http") || strings.Contains(svg, ">runtime") || !strings.Contains(svg, ">pcln") {
		t.Errorf("zoomed to std › net/http: crumbs %q, treemap:\n%.1500s", crumbs, svg)
	}

	shot := filepath.Join(dir, "out.png")
	headless(t, bin, page, "--screenshot="+shot)
	f, err := os.Open(shot)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatalf("decoding the screenshot: %v", err)
	}
	colours := map[color.RGBA]int{}
	nonWhite, b := 0, img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			c := color.RGBAModel.Convert(img.At(x, y)).(color.RGBA)
			colours[c]++
			if c.R < 245 || c.G < 245 || c.B < 245 {
				nonWhite++
			}
		}
	}
	if share := float64(nonWhite) / float64(b.Dx()*b.Dy()); share < 0.25 {
		t.Errorf("the screenshot is %.0f%% non-white, want at least 25%% (a drawn treemap)", 100*share)
	}
	// The fill colours of code, pcln and data boxes must cover real areas.
	for name, c := range map[string]color.RGBA{"code": {0x4e, 0x79, 0xa7, 0xff}, "pcln": {0xf2, 0x8e, 0x2b, 0xff}, "data": {0x59, 0xa1, 0x4f, 0xff}} {
		if colours[c] < 2000 {
			t.Errorf("the screenshot has %d pixels of the %s colour, want at least 2000", colours[c], name)
		}
	}
	if len(colours) < 20 {
		t.Errorf("the screenshot has %d distinct colours, want at least 20", len(colours))
	}
}

// TestAnalyzeHTMLReflectInChromium checks that the treemap draws the bytes
// kept only for reflection as their own boxes.
func TestAnalyzeHTMLReflectInChromium(t *testing.T) {
	bin := chromium(t)
	dir := t.TempDir()
	page := filepath.Join(dir, "analyze.html")
	r := sampleAnalysis()
	r.Packages[1].ReflectOnly = 300_000 // net/http
	var buf bytes.Buffer
	if err := AnalyzeHTML(&buf, r, AnalyzeOptions{}); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(page, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	zoomed := string(headless(t, bin, page+"#zoom=std%7Cnet%2Fhttp", "--virtual-time-budget=2000", "--dump-dom"))
	svg := regexp.MustCompile(`(?s)<svg id="treemap".*?</svg>`).FindString(zoomed)
	if !strings.Contains(svg, ">kept for reflection") || !strings.Contains(strings.ToLower(svg), "#edc948") {
		t.Errorf("zoomed to std › net/http: no yellow box kept for reflection in the treemap:\n%.2000s", svg)
	}
}
