package report

import (
	"errors"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/leve-build/leve/pkg/pipeline"
	"github.com/leve-build/leve/pkg/publish"
)

// syncBuffer is a strings.Builder safe for the renderer's clock.
type syncBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

var (
	anyEscape    = regexp.MustCompile("\x1b")
	colourEscape = regexp.MustCompile("\x1b\\[[0-9;]*m")
)

// feed sends the events of a one-platform build of the sample report.
func feed(t *testing.T, p *Progress, failAt string) *pipeline.Report {
	t.Helper()
	r := sampleReport()
	img := &r.Images[0]
	send := p.Events("")
	send(&pipeline.BuildStart{Platforms: []string{"linux/amd64"}})
	for _, s := range img.Stages {
		send(&pipeline.StageStart{Platform: img.Platform, Stage: s.Name})
		if s.Name == failAt {
			send(&pipeline.StageEnd{Platform: img.Platform, Report: pipeline.StageReport{Name: s.Name, Duration: time.Second}, Image: img, Err: errors.New("boom")})
			return r
		}
		send(&pipeline.StageEnd{Platform: img.Platform, Report: s, Image: img})
	}
	send(&pipeline.StageStart{Stage: "ship"})
	d := v1.Hash{Algorithm: "sha256", Hex: strings.Repeat("ab", 32)}
	send(&pipeline.PushProgress{BlobProgress: publish.BlobProgress{Target: "r/hello:latest", Digest: d, Total: 2000, Sent: 1000, State: publish.BlobSending}})
	send(&pipeline.PushProgress{BlobProgress: publish.BlobProgress{Target: "r/hello:latest", Digest: d, Total: 2000, Sent: 2000, State: publish.BlobDone, Final: true}})
	send(&pipeline.StageEnd{Report: r.Ship})
	return r
}

func TestProgressPlainWritesStageLinesAsTheyEndWithoutEscapes(t *testing.T) {
	for _, term := range []Terminal{{}, {IsTerminal: true, Term: "dumb"}} {
		var out syncBuffer
		p := NewProgress(&out, ProgressAuto, term)
		if p.Mode() != ProgressPlain {
			t.Fatalf("auto with %+v = mode %d, want plain", term, p.Mode())
		}
		r := feed(t, p, "")
		p.Finish("", BuildTail(r))
		p.Close()
		var full strings.Builder
		if err := Build(&full, r); err != nil {
			t.Fatal(err)
		}
		got := out.String()
		if anyEscape.MatchString(got) {
			t.Errorf("plain output (%+v) has escape sequences:\n%q", term, got)
		}
		// The stage lines, as the report has them, in order, then the rest.
		for _, line := range strings.Split(strings.TrimSpace(full.String()), "\n") {
			if !strings.Contains(got, line+"\n") {
				t.Errorf("plain output lacks report line %q:\n%s", line, got)
			}
		}
		if !strings.Contains(got, "push sha256:abababababab r/hello:latest") || !strings.Contains(got, "done") {
			t.Errorf("plain output lacks the final push line:\n%s", got)
		}
		if i, j := strings.Index(got, "compile "), strings.Index(got, "  layer 1"); i < 0 || j < i {
			t.Errorf("stage lines should come before the layer lines:\n%s", got)
		}
	}
}

func TestProgressTTYRedrawsInPlaceAndTicks(t *testing.T) {
	var out syncBuffer
	p := NewProgress(&out, ProgressAuto, Terminal{IsTerminal: true, Term: "xterm", Width: 120})
	if p.Mode() != ProgressTTY {
		t.Fatalf("auto on a terminal = mode %d, want tty", p.Mode())
	}
	send := p.Events("")
	send(&pipeline.BuildStart{Platforms: []string{"linux/amd64"}})
	send(&pipeline.StageStart{Platform: "linux/amd64", Stage: "compile"})
	if got := out.String(); !strings.Contains(got, "compile") || !strings.Contains(got, "…") {
		t.Fatalf("the running stage's line is not drawn when it starts: %q", got)
	}
	time.Sleep(350 * time.Millisecond)
	if got := out.String(); !regexp.MustCompile(`compile +0\.[2-9]s`).MatchString(got) {
		t.Errorf("the running line's elapsed time does not tick: %q", got)
	}
	if !colourEscape.MatchString(out.String()) {
		t.Errorf("tty mode without NO_COLOR draws no colour: %q", out.String())
	}
	r := sampleReport()
	send(&pipeline.StageEnd{Platform: "linux/amd64", Report: r.Images[0].Stages[0], Image: &r.Images[0]})
	got := out.String()
	if !strings.Contains(got, "\x1b[1A\r\x1b[2K") {
		t.Errorf("the ended stage is not redrawn in place: %q", got)
	}
	if !strings.Contains(got, "compile     551ms   2.43 MB  example.com/hello → hello") {
		t.Errorf("the ended stage's line is not its report line: %q", got)
	}
	p.Finish("", "image x\n")
	p.Close()
	if got := out.String(); !strings.HasSuffix(got, "\x1b[1A\r\x1b[2Kcompile     551ms   2.43 MB  example.com/hello → hello\n\x1b[2Kimage x\n") {
		t.Errorf("Finish leaves %q at the end, want the stage line then the tail", got[max(0, len(got)-120):])
	}
}

func TestProgressNoColor(t *testing.T) {
	var out syncBuffer
	p := NewProgress(&out, ProgressTTY, Terminal{IsTerminal: true, Term: "xterm", NoColor: true})
	r := feed(t, p, "optimize")
	p.Finish("", BuildTail(r))
	p.Close()
	got := out.String()
	if colourEscape.MatchString(got) {
		t.Errorf("NO_COLOR output has colour sequences: %q", got)
	}
	if !anyEscape.MatchString(got) {
		t.Errorf("tty output has no cursor movement: %q", got)
	}
	if !regexp.MustCompile(`optimize +1\.00s +failed`).MatchString(got) {
		t.Errorf("the failed stage is not shown failed: %q", got)
	}
}

func TestProgressQuietShowsNothing(t *testing.T) {
	var out syncBuffer
	p := NewProgress(&out, ProgressQuiet, Terminal{IsTerminal: true, Term: "xterm"})
	r := feed(t, p, "")
	p.Finish("", BuildTail(r))
	p.Close()
	if out.String() != "" {
		t.Errorf("quiet wrote %q", out.String())
	}
}

func TestProgressManyPlatformsNamesThem(t *testing.T) {
	var out syncBuffer
	p := NewProgress(&out, ProgressPlain, Terminal{})
	send := p.Events("./cmd/a")
	send(&pipeline.BuildStart{Platforms: []string{"linux/amd64", "linux/arm64"}})
	send(&pipeline.StageEnd{Platform: "linux/arm64", Report: pipeline.StageReport{Name: "read", Summary: "go1.26, static"}, Image: &pipeline.ImageReport{}})
	if got := out.String(); !strings.HasPrefix(got, "./cmd/a: linux/arm64 read") {
		t.Errorf("a stage line of a two-platform build of one of several targets = %q", got)
	}
}

func TestParseProgressMode(t *testing.T) {
	for i, name := range ProgressModes {
		if m, ok := ParseProgressMode(name); !ok || m != ProgressMode(i) {
			t.Errorf("ParseProgressMode(%q) = %d, %v", name, m, ok)
		}
	}
	if _, ok := ParseProgressMode("fancy"); ok {
		t.Error("ParseProgressMode accepted fancy")
	}
}

func TestSummaryRendersTypedResults(t *testing.T) {
	for _, c := range []struct {
		s    pipeline.StageReport
		want string
	}{
		{pipeline.StageReport{Summary: "go1.26, static, needs none", Result: &pipeline.ReadResult{GoVersion: "go1.26", Linking: "static", Top: []pipeline.PackageReport{{Path: "runtime", Size: 800000}, {Path: "fmt", Size: 60000}}}},
			"go1.26, static, needs none; top: runtime 800 kB, fmt 60.0 kB"},
		{pipeline.StageReport{Result: &pipeline.OptimizeResult{Strip: &pipeline.StripResult{Before: 2433214, After: 1608258, Sections: 7}, Pack: &pipeline.PackResult{Before: 1608258, After: 600000, Ratio: 0.373, Duration: 1234567890}}},
			"strip 2.43 MB → 1.61 MB (-825 kB, 7 sections); pack 1.61 MB → 600 kB (37.3%, 1.235s)"},
		{pipeline.StageReport{Result: &pipeline.OptimizeResult{Strip: &pipeline.StripResult{Before: 1915000, After: 1608258, Sections: 2, NoDWARF: true}}},
			"strip 1.92 MB → 1.61 MB (-307 kB, 2 sections; DWARF not linked)"},
		{pipeline.StageReport{Result: &pipeline.OptimizeResult{Pack: &pipeline.PackResult{Before: 2000, After: 1000, Cached: true}}},
			"kept symbols and DWARF (--no-strip); pack 2.00 kB → 1.00 kB (cached)"},
		{pipeline.StageReport{Result: &pipeline.PackageResult{On: "scratch", Compression: "gzip", Level: "default",
			Layers: []pipeline.BlobReport{{Size: 243, UncompressedSize: 5120}, {Size: 731543, UncompressedSize: 1610240}},
			SBOM:   &pipeline.BlobReport{MediaType: "application/spdx+json", Size: 1500}}},
			"2 layers on scratch, gzip default: 243 B (5.12 kB tar) + 732 kB (1.61 MB tar); SBOM application/spdx+json 1.50 kB"},
		{pipeline.StageReport{Summary: "layout leve-out/hello"}, "layout leve-out/hello"},
	} {
		if got := Summary(c.s); got != c.want {
			t.Errorf("Summary(%+v) =\n %q, want\n %q", c.s.Result, got, c.want)
		}
	}
}

func TestProgressPlainLeavesFailuresToTheError(t *testing.T) {
	var out syncBuffer
	p := NewProgress(&out, ProgressPlain, Terminal{})
	feed(t, p, "read")
	p.Finish("", "")
	p.Close()
	if got := out.String(); got != "compile     551ms   2.43 MB  example.com/hello → hello\n" {
		t.Errorf("plain output of a build failing in read = %q, want the compile line only", got)
	}
}

func TestProgressAutoPlainHoldsLinesUntilTheBuildEnds(t *testing.T) {
	var out syncBuffer
	p := NewProgress(&out, ProgressAuto, Terminal{})
	r := feed(t, p, "")
	if out.String() != "" {
		t.Errorf("auto on a non-terminal wrote before the build ended: %q", out.String())
	}
	p.Finish("", BuildTail(r))
	if !strings.HasPrefix(out.String(), "compile ") || !strings.Contains(out.String(), "\nship ") || !strings.HasSuffix(out.String(), BuildTail(r)) {
		t.Errorf("auto plain output after the build =\n%s", out.String())
	}
	out.b.Reset()
	feed(t, p, "package")
	p.Abort("")
	p.Close()
	if out.String() != "" {
		t.Errorf("auto on a non-terminal wrote %q for a failed build, want nothing but its error", out.String())
	}
}

func TestProgressPlainStreamsLines(t *testing.T) {
	var out syncBuffer
	p := NewProgress(&out, ProgressPlain, Terminal{IsTerminal: true, Term: "xterm"})
	r := sampleReport()
	send := p.Events("")
	send(&pipeline.StageEnd{Platform: "linux/amd64", Report: r.Images[0].Stages[0], Image: &r.Images[0]})
	if got := out.String(); got != "compile     551ms   2.43 MB  example.com/hello → hello\n" {
		t.Errorf("--progress plain after the compile stage = %q, want its line at once", got)
	}
	p.Close()
}

func TestProgressTTYFitsLinesToTheTerminal(t *testing.T) {
	var out syncBuffer
	p := NewProgress(&out, ProgressTTY, Terminal{IsTerminal: true, Term: "xterm", Width: 40})
	r := sampleReport()
	send := p.Events("")
	send(&pipeline.StageStart{Platform: "linux/amd64", Stage: "read"})
	send(&pipeline.StageEnd{Platform: "linux/amd64", Report: pipeline.StageReport{Name: "read", Summary: strings.Repeat("long ", 30)}, Image: &r.Images[0]})
	p.Close()
	for _, row := range strings.Split(out.String(), "\n") {
		row = regexp.MustCompile("\x1b\\[[0-9;]*[A-Za-z]").ReplaceAllString(strings.ReplaceAll(row, "\r", ""), "")
		if n := len([]rune(row)); n >= 40 {
			t.Errorf("a row of %d runes on a 40-column terminal: %q", n, row)
		}
	}
}
