package report

import (
	"fmt"
	"strings"

	"github.com/leve-build/leve/pkg/pipeline"
)

// Summarize rewrites the summary of every stage of r that has a typed
// result (pipeline.StageResult) as people read it, sizes included: the
// summaries "leve build" shows and writes in --json.
func Summarize(r *pipeline.Report) {
	for i := range r.Images {
		for j := range r.Images[i].Stages {
			s := &r.Images[i].Stages[j]
			s.Summary = Summary(*s)
		}
	}
}

// Summary returns the line that says what stage s did: rendered from its
// typed result when it has one, else its own summary.
func Summary(s pipeline.StageReport) string {
	switch res := s.Result.(type) {
	case *pipeline.ReadResult:
		if res == nil || res.Basic {
			return s.Summary
		}
		var top []string
		for _, p := range res.Top {
			top = append(top, p.Path+" "+Bytes(p.Size))
		}
		needs := strings.Join(res.Needs, ", ")
		if needs == "" {
			needs = "none"
		}
		return fmt.Sprintf("%s, %s, needs %s; top: %s", res.GoVersion, res.Linking, needs, strings.Join(top, ", "))
	case *pipeline.OptimizeResult:
		if res == nil {
			return s.Summary
		}
		summary := "kept symbols and DWARF (--no-strip)"
		if st := res.Strip; st != nil {
			summary = fmt.Sprintf("strip %s → %s (-%s, %d sections)", Bytes(st.Before), Bytes(st.After), Bytes(st.Before-st.After), st.Sections)
			if st.NoDWARF {
				summary = fmt.Sprintf("strip %s → %s (-%s, %d sections; DWARF not linked)", Bytes(st.Before), Bytes(st.After), Bytes(st.Before-st.After), st.Sections)
			}
		}
		if p := res.Pack; p != nil {
			if p.Cached {
				summary += fmt.Sprintf("; pack %s → %s (cached)", Bytes(p.Before), Bytes(p.After))
			} else {
				summary += fmt.Sprintf("; pack %s → %s (%.1f%%, %s)", Bytes(p.Before), Bytes(p.After), 100*p.Ratio, p.Duration.Round(1e6))
			}
		}
		return summary
	case *pipeline.PackageResult:
		if res == nil {
			return s.Summary
		}
		parts := make([]string, 0, len(res.Layers))
		for _, l := range res.Layers {
			parts = append(parts, fmt.Sprintf("%s (%s tar)", Bytes(l.Size), Bytes(l.UncompressedSize)))
		}
		sbom := ""
		if res.SBOM != nil {
			sbom = fmt.Sprintf("; SBOM %s %s", res.SBOM.MediaType, Bytes(res.SBOM.Size))
		}
		return fmt.Sprintf("%d layers on %s, %s %s: %s%s", len(res.Layers), res.On, res.Compression, res.Level, strings.Join(parts, " + "), sbom)
	}
	return s.Summary
}
