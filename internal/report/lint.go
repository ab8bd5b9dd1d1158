package report

import (
	"fmt"
	"io"
	"strings"

	"github.com/leve-build/leve/pkg/lint"
)

// LintOptions say how to render a lint result.
type LintOptions struct {
	// File is the Dockerfile's path as shown, "-" for standard input.
	File string
	// Version is leve's version, written into SARIF's tool driver.
	Version string
}

// lintSummary counts the findings by severity and adds their bytes.
type lintSummary struct {
	Errors   int   `json:"errors"`
	Warnings int   `json:"warnings"`
	Infos    int   `json:"infos"`
	Bytes    int64 `json:"bytesAtStake"`
}

func summarize(r *lint.Result) lintSummary {
	var s lintSummary
	for _, f := range r.Findings {
		switch f.Severity {
		case lint.Error:
			s.Errors++
		case lint.Warning:
			s.Warnings++
		default:
			s.Infos++
		}
		s.Bytes += f.Bytes
	}
	return s
}

func (s lintSummary) String() string {
	plural := func(n int, one string) string {
		if n == 1 {
			return fmt.Sprintf("%d %s", n, one)
		}
		return fmt.Sprintf("%d %ss", n, one)
	}
	out := fmt.Sprintf("%s, %s, %s", plural(s.Errors, "error"), plural(s.Warnings, "warning"), plural(s.Infos, "info"))
	if s.Bytes > 0 {
		out += fmt.Sprintf("; %s at stake, summed over the findings that know their bytes", Bytes(s.Bytes))
	}
	return out
}

// LintText writes one block per finding, "FILE:LINE: SEVERITY RULE:
// message" then its fix and the bytes at stake, and a summary line.
func LintText(w io.Writer, r *lint.Result, o LintOptions) error {
	var b strings.Builder
	for _, f := range r.Findings {
		fmt.Fprintf(&b, "%s:%d: %s %s: %s\n", o.File, f.Line, f.Severity, f.Rule, f.Message)
		fmt.Fprintf(&b, "    fix: %s\n", f.Fix)
		if f.Bytes > 0 {
			fmt.Fprintf(&b, "    at stake: %s, %s\n", Bytes(f.Bytes), f.BytesWhat)
		}
	}
	for _, n := range r.Notes {
		fmt.Fprintf(&b, "note: %s\n", n)
	}
	if r.Facts != nil {
		fmt.Fprintf(&b, "measured: %s builds to %s, %s stripped\n", r.Facts.Dir, Bytes(r.Facts.Unstripped), Bytes(r.Facts.Stripped))
	}
	fmt.Fprintf(&b, "%s: %s\n", o.File, summarize(r))
	_, err := io.WriteString(w, b.String())
	return err
}

// LintMarkdown writes the findings as a markdown table, for pull request
// comments and job summaries.
func LintMarkdown(w io.Writer, r *lint.Result, o LintOptions) error {
	var b strings.Builder
	fmt.Fprintf(&b, "### leve lint: `%s`\n\n", o.File)
	if len(r.Findings) == 0 {
		b.WriteString("No findings.\n")
	} else {
		b.WriteString("| Line | Severity | Rule | Finding | Fix | At stake |\n|---:|---|---|---|---|---:|\n")
		for _, f := range r.Findings {
			stake := ""
			if f.Bytes > 0 {
				stake = Bytes(f.Bytes)
			}
			fmt.Fprintf(&b, "| %d | %s | `%s` | %s | %s | %s |\n", f.Line, f.Severity, f.Rule, mdCell(f.Message), mdCell(f.Fix), stake)
		}
	}
	for _, n := range r.Notes {
		fmt.Fprintf(&b, "\n> note: %s\n", mdCell(n))
	}
	fmt.Fprintf(&b, "\n%s\n", summarize(r))
	_, err := io.WriteString(w, b.String())
	return err
}

// mdCell escapes text for one markdown table cell.
func mdCell(s string) string {
	s = strings.ReplaceAll(s, "|", `\|`)
	return strings.ReplaceAll(s, "\n", " ")
}

// LintRules writes the rule table: ID, severity, what it finds, its fix
// and the bytes at stake.
func LintRules(w io.Writer, rules []lint.Rule) error {
	var b strings.Builder
	for _, r := range rules {
		fmt.Fprintf(&b, "%s (%s)\n    %s\n    fix: %s\n    at stake: %s\n", r.ID, r.Severity, r.What, r.Fix, r.Bytes)
	}
	_, err := io.WriteString(w, b.String())
	return err
}
