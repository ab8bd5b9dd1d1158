package report

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/leve-build/leve/internal/humanize"
	"github.com/leve-build/leve/pkg/pipeline"
)

// Build writes the stage-by-stage report of a build: one line per stage
// with its time and outcome, one line per layer, then the image's pull size
// and digest.
func Build(w io.Writer, r *pipeline.Report) error {
	var b strings.Builder
	for _, s := range r.Stages {
		size := ""
		switch s.Name {
		case "compile":
			size = humanize.Bytes(r.Binary.SizeBefore)
		case "optimize":
			size = humanize.Bytes(r.Binary.SizeAfter)
		case "package":
			size = humanize.Bytes(r.PullSize)
		}
		fmt.Fprintf(&b, "%-9s %7s %9s  %s\n", s.Name, duration(s.Duration), size, s.Summary)
	}
	for i, l := range r.Layers {
		fmt.Fprintf(&b, "  layer %d  %s  %9s  %9s tar  %s\n", i+1, short(l.Digest), humanize.Bytes(l.Size), humanize.Bytes(l.UncompressedSize), l.CreatedBy)
	}
	fmt.Fprintf(&b, "  config   %s  %9s\n", short(r.Config.Digest), humanize.Bytes(r.Config.Size))
	fmt.Fprintf(&b, "  manifest %s  %9s\n", short(r.Manifest.Digest), humanize.Bytes(r.Manifest.Size))
	fmt.Fprintf(&b, "pull size %s (%s B: compressed layers + config + manifest)\n", humanize.Bytes(r.PullSize), thousands(r.PullSize))
	for _, n := range r.Binary.Needs {
		if !n.InImage {
			fmt.Fprintf(&b, "warning: the binary needs %s (%s); the image has none\n", n.Kind, n.Evidence)
		}
	}
	for _, wmsg := range r.Warnings {
		fmt.Fprintf(&b, "warning: %s\n", wmsg)
	}
	fmt.Fprintf(&b, "image %s\n", r.Reference)
	_, err := io.WriteString(w, b.String())
	return err
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
	s := fmt.Sprint(n)
	if n < 0 {
		return "-" + thousands(-n)
	}
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}
