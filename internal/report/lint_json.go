package report

import (
	"io"

	"github.com/leve-build/leve/pkg/lint"
)

// LintSchema names the JSON document LintJSON writes.
const LintSchema = "leve.lint/v1"

type lintDoc struct {
	Schema   string        `json:"schema"`
	File     string        `json:"file"`
	Findings []lintFinding `json:"findings"`
	Summary  lintSummary   `json:"summary"`
	Measured *lint.Facts   `json:"measured,omitempty"`
	Notes    []string      `json:"notes,omitempty"`
}

type lintFinding struct {
	Rule      string `json:"rule"`
	Severity  string `json:"severity"`
	Line      int    `json:"line"`
	EndLine   int    `json:"endLine"`
	Message   string `json:"message"`
	Fix       string `json:"fix"`
	Bytes     int64  `json:"bytesAtStake,omitempty"`
	BytesWhat string `json:"bytesWhat,omitempty"`
}

// LintJSON writes the result as one JSON document (schema leve.lint/v1,
// docs/lint.md).
func LintJSON(w io.Writer, r *lint.Result, o LintOptions) error {
	doc := lintDoc{Schema: LintSchema, File: o.File, Findings: []lintFinding{}, Summary: summarize(r), Measured: r.Facts, Notes: r.Notes}
	for _, f := range r.Findings {
		doc.Findings = append(doc.Findings, lintFinding{
			Rule: f.Rule, Severity: f.Severity.String(), Line: f.Line, EndLine: f.EndLine,
			Message: f.Message, Fix: f.Fix, Bytes: f.Bytes, BytesWhat: f.BytesWhat,
		})
	}
	return JSON(w, doc)
}
