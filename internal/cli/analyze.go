package cli

import (
	"context"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/leve-build/leve/internal/atomicfile"
	"github.com/leve-build/leve/internal/cli/options"
	"github.com/leve-build/leve/internal/report"
	"github.com/leve-build/leve/pkg/exe"
	"github.com/leve-build/leve/pkg/pipeline"
)

func newAnalyzeCmd() *cobra.Command {
	var o options.Analyze
	cmd := &cobra.Command{
		Use:   "analyze [flags] [BINARY | PACKAGE]",
		Short: "Show what a Go executable contains, what it costs and what it needs to run",
		Long: `Analyze reads a Go executable for Linux and explains every byte: the bytes
each package owns (machine code, pcln tables, data), the modules, the ELF
sections, what no package owns, and how much of the file is attributed. It
lists what the program needs at run time (CA certificates, tzdata,
/etc/passwd, resolver files, /tmp, shared libraries), each with the evidence,
and suggests how to make it smaller, with the estimated saving. It says
whether the linker's method dead-code elimination was turned off by
reflection, with the chains of calls from main to the reflect calls that did
it and what it costs, and which imports and calls pull in each heavy package.

The argument is a Linux Go binary (stripped or not), a file packed by
"leve pack" (the original inside is analysed), a result saved with --json, or
a package directory, import path or .go file, which is first built as "leve
build" builds it (CGO_ENABLED=0, -trimpath, linked without DWARF and then
stripped unless --no-strip).
With no argument, the package in the current directory is built.

The report goes to stdout as aligned text, or as JSON with --json (schema
leve.analyze/v2, docs/analyze-json.md). --html FILE also writes one
self-contained page with a treemap of modules, packages and kinds of bytes.

--diff OLD NEW compares two of them, in any mix, by package, module and
section. --max-size and --max-growth make it a CI gate: exit status 1 with the
failing rule on stderr, 0 when every rule passes.`,
		Example: `  # What does the example program contain and need?
  leve analyze ./examples/hello

  # A binary built elsewhere; every package, as JSON
  leve analyze --top 0 ./bin/api
  leve analyze --json ./bin/api > api.json

  # An interactive treemap, one self-contained file
  leve analyze --html api.html ./cmd/api

  # Gate a pull request: the saved result of the release against this tree
  leve analyze --diff release.json ./cmd/api --max-growth 5% --max-size 20MB`,
		Args: func(_ *cobra.Command, args []string) error {
			if err := o.Args(len(args)); err != nil {
				return usageError{err}
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			_, gates, err := o.Validate()
			if err != nil {
				return err
			}
			if o.HTML != "" {
				if err := atomicfile.CheckDir(o.HTML); err != nil {
					return fmt.Errorf("--html %s: %w", o.HTML, err)
				}
			}
			lowerGC()
			l := analyzer{o: o, flags: cmd.Flags(), stderr: cmd.ErrOrStderr()}
			if o.Diff {
				return runDiff(cmd, o, gates, l, args[0], args[1])
			}
			target := "."
			if len(args) == 1 {
				target = args[0]
			}
			in, err := l.load(cmd.Context(), target)
			if err != nil {
				return err
			}
			if err := renderAnalysis(cmd, o, in); err != nil {
				return err
			}
			return checkGates(cmd.ErrOrStderr(), gates, nil, in)
		},
	}
	o.AddFlags(cmd.Flags())
	return cmd
}

// lowerGC sets the collector's heap growth target to half the default
// (GOGC=50) while leve analyze builds the byte-range map of an executable
// (mapped from its file, outside the heap), so that the peak RSS stays near
// the live heap for the CPU time of the default: on the go command, 49 MiB
// and 322 ms against 59 MiB with GOGC=25 and the file read into the heap.
// leve inspect sets its own, lower one (inspectGC).
// GOGC, when set, wins.
func lowerGC() {
	if _, ok := os.LookupEnv("GOGC"); !ok {
		debug.SetGCPercent(50)
	}
}

// renderAnalysis prints one analysis and writes its HTML page, which
// replaces an earlier one only once the report was printed.
func renderAnalysis(cmd *cobra.Command, o options.Analyze, in *loaded) (err error) {
	ro := report.AnalyzeOptions{Top: o.Top, Notes: in.notes}
	if o.HTML != "" {
		page, serr := atomicfile.Stage(o.HTML, 0o644, func(w io.Writer) error { return report.AnalyzeHTML(w, in.rep, ro) })
		if serr != nil {
			return fmt.Errorf("writing the HTML report: %w", serr)
		}
		defer func() {
			if err == nil {
				err = cmd.Context().Err()
			}
			if err != nil {
				page.Abort()
				return
			}
			if err = page.Commit(); err != nil {
				err = fmt.Errorf("writing the HTML report: %w", err)
				return
			}
			if fi, err := os.Stat(o.HTML); err == nil {
				fmt.Fprintf(cmd.ErrOrStderr(), "wrote %s (%s)\n", o.HTML, report.Bytes(fi.Size()))
			}
		}()
	}
	if o.JSON {
		for _, n := range in.notes {
			fmt.Fprintf(cmd.ErrOrStderr(), "note: %s\n", n)
		}
		return in.rep.WriteJSON(cmd.OutOrStdout())
	}
	return report.Analyze(cmd.OutOrStdout(), in.rep, ro)
}

// runDiff compares old with new, prints the deltas and checks the gates.
func runDiff(cmd *cobra.Command, o options.Analyze, gates options.AnalyzeGates, l analyzer, oldArg, newArg string) error {
	old, err := l.load(cmd.Context(), oldArg)
	if err != nil {
		return err
	}
	nw, err := l.load(cmd.Context(), newArg)
	if err != nil {
		return err
	}
	for _, in := range []*loaded{old, nw} {
		for _, n := range in.notes {
			fmt.Fprintf(cmd.ErrOrStderr(), "note: %s: %s\n", in.name, n)
		}
	}
	if o.JSON {
		err = report.JSON(cmd.OutOrStdout(), exe.Compare(old.rep, nw.rep))
	} else {
		err = report.AnalyzeDiff(cmd.OutOrStdout(), old.rep, nw.rep, report.DiffOptions{OldName: old.name, NewName: nw.name, Top: o.Top})
	}
	if err != nil {
		return err
	}
	return checkGates(cmd.ErrOrStderr(), gates, old, nw)
}

// checkGates applies the size gates to nw (and old with --diff): an error
// names every failing rule; a pass is reported on stderr.
func checkGates(stderr io.Writer, g options.AnalyzeGates, old, nw *loaded) error {
	var passed []string
	var err error
	if old != nil {
		passed, err = g.Check(old.name, old.rep.Size, nw.name, nw.rep.Size)
	} else {
		passed, err = g.Check("", 0, nw.name, nw.rep.Size)
	}
	if err == nil && len(passed) > 0 {
		fmt.Fprintf(stderr, "size gate passed: %s\n", strings.Join(passed, "; "))
	}
	return err
}

// loaded is an analysis with the name it is shown under and notes on how
// it was obtained.
type loaded struct {
	name  string
	rep   *exe.Report
	notes []string
}

// analyzer turns an argument into an analysis with pipeline.Analyze,
// building packages with the flags and leve.yaml as leve build does.
type analyzer struct {
	o      options.Analyze
	flags  *pflag.FlagSet
	stderr io.Writer
}

// load analyses target and names the result for the report.
func (l analyzer) load(ctx context.Context, target string) (*loaded, error) {
	po, err := withConfig(l.o.Build(), l.flags, target)
	if err != nil {
		return nil, err
	}
	po.Stderr, po.CacheDir = l.stderr, cacheDir()
	a, err := pipeline.Analyze(ctx, po)
	if err != nil {
		return nil, analyzeAdvice(err)
	}
	in := &loaded{name: target, rep: a.Report}
	switch a.Input {
	case pipeline.InputPackage:
		b := a.Built
		dwarf := ""
		if b.Strip != nil && b.Strip.NoDWARF {
			dwarf = ", -ldflags=-w: no DWARF, --no-strip keeps it"
		}
		note := fmt.Sprintf("built %s for %s as leve build does (CGO_ENABLED=%d, -trimpath%s)", b.ImportPath, b.Platform, btoi(b.Cgo), dwarf)
		if b.Strip != nil {
			note += fmt.Sprintf(", stripped %s → %s", report.Bytes(b.Strip.Before), report.Bytes(b.Strip.After))
		}
		in.notes = append(in.notes, note)
	case pipeline.InputPacked:
		in.notes = append(in.notes, fmt.Sprintf("%s is packed (%s); this is the original inside it (%s)", target, report.Bytes(a.PackedSize), report.Bytes(a.Report.Size)))
		// Sizes, deltas and gates are of the original: say so where it is named.
		in.name = target + " (unpacked)"
	}
	if t := a.Report.Trailing; t > 0 && (a.Input == pipeline.InputExecutable || a.Input == pipeline.InputPacked) {
		in.notes = append(in.notes, fmt.Sprintf("%s of trailing data after the last byte the ELF headers reference (offset %d): not read, not analysed, left out of the estimates",
			report.Bytes(t), a.Report.Size-t))
	}
	if e := a.PackEstimate; e != nil {
		in.rep.Suggestions = append(in.rep.Suggestions, exe.Suggestion{Kind: exe.SuggestPack, Saving: a.Report.Size - a.Report.Trailing - e.Size,
			Detail: fmt.Sprintf("pack it with leve pack or leve build --pack: about %s (estimate ±%.0f %%), decompressed in memory at start-up, build info kept",
				report.Bytes(e.Size), 100*e.Error)})
	}
	return in, nil
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}
