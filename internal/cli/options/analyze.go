package options

import (
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/pflag"

	"github.com/leve-build/leve/internal/report"
	"github.com/leve-build/leve/pkg/exe"
	"github.com/leve-build/leve/pkg/platform"
)

// Analyze holds the flags of "leve analyze".
type Analyze struct {
	JSON      bool
	HTML      string
	Top       int
	Diff      bool
	MaxSize   string
	MaxGrowth string
	Platform  string
	Tags      []string
	NoStrip   bool
}

// AnalyzeGates are the size gates of "leve analyze", parsed: --max-size
// as the gate's MaxSize, --max-growth (with --diff) as its MaxGrowth.
type AnalyzeGates struct {
	exe.Gate

	maxSize, maxGrowth string // the flags as given, for messages
}

// AddFlags binds the flags to fs.
func (a *Analyze) AddFlags(fs *pflag.FlagSet) {
	fs.BoolVar(&a.JSON, "json", false, "print the analysis as JSON on stdout (schema leve.analyze/v2, docs/analyze-json.md); with --diff, the deltas")
	fs.StringVar(&a.HTML, "html", "", "also write a self-contained HTML page with a treemap and the tables to `FILE`")
	fs.IntVar(&a.Top, "top", 20, "packages (or changed entries with --diff) to list; 0 lists all")
	fs.BoolVar(&a.Diff, "diff", false, "compare two executables, packages or saved --json results: leve analyze --diff OLD NEW")
	fs.StringVar(&a.MaxSize, "max-size", "", "fail (exit 1) when the (new) executable is larger than `SIZE`, e.g. 2MB, 1.5MiB")
	fs.StringVar(&a.MaxGrowth, "max-growth", "", "with --diff, fail (exit 1) when NEW grew by more than `SIZE|PCT` over OLD, e.g. 50KB or 5%")
	fs.StringVar(&a.Platform, "platform", platform.Default.String(), "platform to build a package for, linux/ARCH[/VARIANT]")
	fs.StringSliceVar(&a.Tags, "tags", nil, "build tags when building a package (comma-separated or repeated)")
	fs.BoolVar(&a.NoStrip, "no-strip", false, "analyse a package's binary with its symbol table and DWARF (default: stripped, as leve build ships it)")
}

// Build returns the flags of "leve build" that building a package for
// analysis takes: leve build's defaults with --platform, --tags and
// --no-strip. Validated with leve.yaml applied, they give the options of
// pipeline.Analyze.
func (a *Analyze) Build() Build {
	var b Build
	b.AddFlags(pflag.NewFlagSet("build", pflag.ContinueOnError))
	b.Platform, b.Tags, b.NoStrip = a.Platform, a.Tags, a.NoStrip
	return b
}

// Args checks the number of arguments: one (or none, for the package in
// the current directory), or two with --diff.
func (a *Analyze) Args(n int) error {
	switch {
	case a.Diff && n != 2:
		return errors.New("--diff needs two arguments: leve analyze --diff OLD NEW")
	case !a.Diff && n > 1:
		return fmt.Errorf("leve analyze accepts at most 1 arg, got %d; to compare two, use --diff OLD NEW", n)
	}
	return nil
}

// Validate checks the flags and returns the build platform and the gates.
func (a *Analyze) Validate() (platform.Platform, AnalyzeGates, error) {
	g := AnalyzeGates{maxSize: a.MaxSize, maxGrowth: a.MaxGrowth}
	p, err := platform.Parse(a.Platform)
	if err != nil {
		return p, g, fmt.Errorf("--platform: %w", err)
	}
	switch {
	case a.Top < 0:
		return p, g, fmt.Errorf("--top %d: want 0 (all) or more", a.Top)
	case a.Diff && a.HTML != "":
		return p, g, errors.New("--html shows one executable: drop --diff, or write each side's page separately")
	case a.MaxGrowth != "" && !a.Diff:
		return p, g, errors.New("--max-growth compares two executables: use it with --diff OLD NEW (or use --max-size)")
	}
	if a.MaxSize != "" {
		if g.MaxSize, err = exe.ParseSize(a.MaxSize); err != nil {
			return p, g, fmt.Errorf("--max-size: %w", err)
		}
		if g.MaxSize == 0 {
			return p, g, fmt.Errorf("--max-size %q: want a size above 0", a.MaxSize)
		}
	}
	if a.MaxGrowth != "" {
		l, err := exe.ParseLimit(a.MaxGrowth)
		if err != nil {
			return p, g, fmt.Errorf("--max-growth: %w", err)
		}
		g.MaxGrowth = &l
	}
	return p, g, nil
}

// Check applies --max-size to the new executable and, when oldName is not
// empty, --max-growth from the old one. It returns the rules that passed,
// and an error naming every rule that failed:
// "size gate: app is 2.4 MB (2400000 B), over --max-size 2MB (2000000 B)".
func (g AnalyzeGates) Check(oldName string, oldSize int64, newName string, newSize int64) (passed []string, err error) {
	var c *exe.Comparison
	if oldName != "" {
		c = &exe.Comparison{Old: oldSize, New: newSize, Delta: newSize - oldSize}
	}
	var failed []string
	for _, r := range g.Gate.Check(newSize, c) {
		var msg, flag string
		switch r.Rule {
		case exe.GateMaxSize:
			msg = fmt.Sprintf("%s is %s (%d B)", newName, report.Bytes(r.New), r.New)
			if !r.Passed {
				msg += fmt.Sprintf(", over --max-size %s (%d B)", g.maxSize, g.MaxSize)
			}
			flag = "--max-size " + g.maxSize
		case exe.GateMaxGrowth:
			d, verb := r.New-r.Old, "grew"
			if d < 0 {
				d, verb = -d, "shrank"
			}
			msg = fmt.Sprintf("%s %s by %s (%s) from %s", newName, verb, report.Bytes(d), percent(r.Old, r.New), oldName)
			if !r.Passed {
				msg += ", over --max-growth " + g.maxGrowth
			}
			flag = "--max-growth " + g.maxGrowth
		}
		if r.Passed {
			passed = append(passed, flag+": "+msg)
		} else {
			failed = append(failed, msg)
		}
	}
	if len(failed) > 0 {
		return passed, fmt.Errorf("size gate: %s", strings.Join(failed, "; "))
	}
	return passed, nil
}

// percent formats the change from old to new: "+14.8%".
func percent(old, new int64) string {
	if old == 0 {
		return "new"
	}
	return fmt.Sprintf("%+.1f%%", 100*float64(new-old)/float64(old))
}
