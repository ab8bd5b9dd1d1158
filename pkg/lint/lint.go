package lint

import (
	"cmp"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"

	"github.com/leve-build/leve/pkg/dockerfile"
)

// Severity says how much a finding matters.
type Severity int

// The severities, from the least to the most serious.
const (
	// Info is advice that costs nothing if ignored today.
	Info Severity = iota
	// Warning means bytes or safety are at stake.
	Warning
	// Error means the build or the run breaks.
	Error
)

// String returns "info", "warning" or "error".
func (s Severity) String() string {
	switch s {
	case Info:
		return "info"
	case Warning:
		return "warning"
	case Error:
		return "error"
	}
	return fmt.Sprintf("Severity(%d)", int(s))
}

// Finding is one rule firing at one instruction.
type Finding struct {
	// Rule is the rule's ID, e.g. "chmod-copy".
	Rule string
	// Severity is how much it matters here; a rule may fire at a lower or
	// higher severity than its default when the file says so.
	Severity Severity
	// Line and EndLine are the lines of the instruction, from 1.
	Line, EndLine int
	// Message says what is wrong at this line.
	Message string
	// Fix says how to fix it.
	Fix string
	// Bytes are the bytes at stake, 0 when they are not known.
	Bytes int64
	// BytesWhat says what Bytes counts, e.g. "the binary, stored a second
	// time"; empty when Bytes is 0.
	BytesWhat string
}

// Facts are what leve measured about the Go program in the build context.
type Facts struct {
	// Dir is the build context the Go program was built from, as given.
	Dir string `json:"dir"`
	// Unstripped is the size of the binary go build makes without -s -w.
	Unstripped int64 `json:"unstripped"`
	// Stripped is its size once stripped, as with -ldflags="-s -w".
	Stripped int64 `json:"stripped"`
}

// Options say what lint knows besides the Dockerfile.
type Options struct {
	// Context is the build context directory; empty when unknown. Rules
	// that need it (missing .dockerignore, bytes of copied sources) then
	// stay silent or leave the bytes unknown.
	Context string
	// Measure builds the Go program found in Context to know the bytes at
	// stake of the binary rules. It runs go build once.
	Measure bool
	// Dockerfile is the path the source was read from, used to find a
	// Dockerfile-specific NAME.dockerignore; empty for standard input.
	Dockerfile string
}

// Result is the outcome of linting one Dockerfile.
type Result struct {
	// Findings are sorted by line, then rule ID.
	Findings []Finding
	// Facts are what was measured; nil without Options.Measure or when
	// nothing could be built.
	Facts *Facts
	// Notes are remarks that are not findings: ignore comments naming no
	// rule, measurements that could not be made, parser warnings.
	Notes []string
}

// Max returns the highest severity among the findings and whether there
// is any.
func (r *Result) Max() (Severity, bool) {
	if len(r.Findings) == 0 {
		return Info, false
	}
	m := Info
	for _, f := range r.Findings {
		m = max(m, f.Severity)
	}
	return m, true
}

// LintFile reads and lints the Dockerfile at path. When o.Context is
// empty, the Dockerfile's directory is the build context.
func LintFile(ctx context.Context, path string, o Options) (*Result, error) {
	src, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("reading Dockerfile: %w", err)
	}
	if o.Context == "" {
		o.Context = filepath.Dir(path)
	}
	if o.Dockerfile == "" {
		o.Dockerfile = path
	}
	return lint(ctx, path, src, o)
}

// Lint parses src with BuildKit's parser and runs every rule. A file that
// does not parse returns the *dockerfile.ParseError.
func Lint(ctx context.Context, src []byte, o Options) (*Result, error) {
	return lint(ctx, "Dockerfile", src, o)
}

// lint is Lint for the file shown as name in errors.
func lint(ctx context.Context, name string, src []byte, o Options) (*Result, error) {
	f, err := dockerfile.Parse(src)
	if err != nil {
		return nil, fmt.Errorf("parsing %s: %w", name, err)
	}
	res := &Result{}
	for _, w := range f.Warnings {
		res.Notes = append(res.Notes, fmt.Sprintf("line %d: %s", w.Line, w.Message))
	}
	if o.Measure && o.Context != "" {
		facts, err := measure(ctx, o.Context)
		if err != nil {
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			res.Notes = append(res.Notes, fmt.Sprintf("binary bytes not measured: %v", err))
		} else {
			res.Facts = facts
		}
	}
	a := analyse(f, o, res.Facts)
	for _, r := range rules {
		a.current = r.ID
		r.check(a)
	}
	ign, notes := ignores(f)
	res.Notes = append(res.Notes, notes...)
	for _, fd := range a.findings {
		if !ign.silenced(fd.Rule, fd.Line) {
			res.Findings = append(res.Findings, fd)
		}
	}
	slices.SortStableFunc(res.Findings, func(x, y Finding) int {
		return cmp.Or(cmp.Compare(x.Line, y.Line), cmp.Compare(x.Rule, y.Rule))
	})
	res.Findings = slices.CompactFunc(res.Findings, func(x, y Finding) bool {
		return x.Rule == y.Rule && x.Line == y.Line && x.Message == y.Message
	})
	return res, nil
}
