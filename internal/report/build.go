package report

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/leve-build/leve/pkg/pipeline"
)

// Build writes the stage-by-stage report of a build: for each platform one
// line per stage with its time and outcome and one line per layer, then
// the ship stage, the pull size and the reference with its digest.
func Build(w io.Writer, r *pipeline.Report) error {
	_, err := io.WriteString(w, build(r, true))
	return err
}

// BuildTail returns the report of Build without its stage lines: what
// follows the lines Progress drew as the stages ended.
func BuildTail(r *pipeline.Report) string { return build(r, false) }

func build(r *pipeline.Report, stages bool) string {
	var b strings.Builder
	many := len(r.Images) > 1
	if r.BaseFrom != "" {
		fmt.Fprintf(&b, "base from %s\n", r.BaseFrom)
	}
	for _, img := range r.Images {
		if many {
			fmt.Fprintf(&b, "%s\n", img.Platform)
		}
		for _, s := range img.Stages {
			if stages {
				stage(&b, s, stageSize(s.Name, &img))
			}
		}
		for i, l := range img.Layers {
			fmt.Fprintf(&b, "  layer %d  %s  %9s  %9s tar  %s\n", i+1, short(l.Digest), Bytes(l.Size), Bytes(l.UncompressedSize), l.CreatedBy)
		}
		for _, f := range img.Files {
			fmt.Fprintf(&b, "  file     %s  %9s  %s\n", f.Path, Bytes(f.Size), f.Reason)
		}
		fmt.Fprintf(&b, "  config   %s  %9s\n", short(img.Config.Digest), Bytes(img.Config.Size))
		fmt.Fprintf(&b, "  manifest %s  %9s\n", short(img.Manifest.Digest), Bytes(img.Manifest.Size))
		for _, n := range img.Binary.Needs {
			if !n.InImage {
				fmt.Fprintf(&b, "warning: this binary needs %s (%s); the image has none\n", n.Kind, n.Evidence)
			}
		}
		for _, w := range img.Warnings {
			fmt.Fprintf(&b, "warning: %s\n", w)
		}
		for _, s := range img.Binary.Suggestions {
			fmt.Fprintf(&b, "suggestion: %s\n", s)
		}
	}
	if r.Ship.Name != "" && stages {
		stage(&b, r.Ship, "")
	}
	what := "compressed layers + config + manifest"
	if many {
		what = "index + " + what + " of " + r.Images[0].Platform
	}
	fmt.Fprintf(&b, "pull size %s (%s B: %s)\n", Bytes(r.PullSize), thousands(r.PullSize), what)
	for _, wmsg := range r.Warnings {
		fmt.Fprintf(&b, "warning: %s\n", wmsg)
	}
	fmt.Fprintf(&b, "image %s\n", r.Reference)
	return b.String()
}

func stage(b *strings.Builder, s pipeline.StageReport, size string) {
	b.WriteString(stageLine(s.Name, s.Duration, size, Summary(s)) + "\n")
}

// stageLine is a stage's line: name, time, size and what it did.
func stageLine(name string, d time.Duration, size, summary string) string {
	return fmt.Sprintf("%-9s %7s %9s  %s", name, duration(d), size, summary)
}

// stageSize is the size a stage's line shows: the binary as linked, as
// shipped, and the image's pull size.
func stageSize(stage string, img *pipeline.ImageReport) string {
	switch stage {
	case "compile":
		return Bytes(img.Binary.SizeBefore)
	case "optimize":
		return Bytes(img.Binary.SizeAfter)
	case "package":
		return Bytes(img.PullSize)
	}
	return ""
}

// duration rounds d for a report line: "1.21s", "35ms", "0.4ms".
func duration(d time.Duration) string {
	switch {
	case d >= time.Second:
		return fmt.Sprintf("%.2fs", d.Seconds())
	case d >= 10*time.Millisecond:
		return fmt.Sprintf("%dms", d.Milliseconds())
	default:
		return fmt.Sprintf("%.1fms", float64(d.Microseconds())/1000)
	}
}

// short abbreviates a digest to "sha256:" and 12 hex digits.
func short(digest string) string {
	if len(digest) > 19 {
		return digest[:19]
	}
	return digest
}

// thousands formats n with comma separators: 765,432.
func thousands(n int64) string {
	if n < 0 {
		return "-" + thousands(-n)
	}
	s := fmt.Sprint(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}
