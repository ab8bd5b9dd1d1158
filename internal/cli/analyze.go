package cli

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"

	"github.com/spf13/cobra"

	"github.com/leve-build/leve/internal/atomicfile"
	"github.com/leve-build/leve/internal/cli/options"
	"github.com/leve-build/leve/internal/report"
	"github.com/leve-build/leve/pkg/compile"
	"github.com/leve-build/leve/pkg/exe"
	"github.com/leve-build/leve/pkg/optimize"
	"github.com/leve-build/leve/pkg/pack"
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
build" builds it (CGO_ENABLED=0, -trimpath, then stripped unless --no-strip).
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
			platform, gates, err := o.Validate()
			if err != nil {
				return err
			}
			if o.HTML != "" {
				if err := atomicfile.CheckDir(o.HTML); err != nil {
					return fmt.Errorf("--html %s: %w", o.HTML, err)
				}
			}
			lowerGC()
			l := loader{platform: platform, tags: o.Tags, noStrip: o.NoStrip, stderr: cmd.ErrOrStderr()}
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
func runDiff(cmd *cobra.Command, o options.Analyze, gates options.AnalyzeGates, l loader, oldArg, newArg string) error {
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

// loader turns an argument into an analysis: it reads binaries, packed
// files and saved JSON results, and builds packages.
type loader struct {
	platform compile.Platform
	tags     []string
	noStrip  bool
	stderr   io.Writer
}

// load analyses target: a regular file other than a .go source is read,
// anything else is built as a package.
func (l loader) load(ctx context.Context, target string) (*loaded, error) {
	fi, statErr := os.Stat(target)
	if statErr == nil && fi.Mode().IsRegular() && !strings.HasSuffix(target, ".go") {
		return l.loadFile(target)
	}
	return l.build(ctx, target, statErr)
}

// build compiles the package target with leve build's defaults, strips it
// unless --no-strip, and analyses the result.
func (l loader) build(ctx context.Context, target string, statErr error) (*loaded, error) {
	pkg, err := compile.Resolve(ctx, target, compile.Query{Platform: l.platform, Tags: l.tags})
	if err != nil {
		if errors.Is(err, compile.ErrNotFound) && statErr != nil {
			return nil, fmt.Errorf("analyzing %q: no such file, directory or package: give a Go executable, a saved --json result, a package directory, an import path or a .go file", target)
		}
		return nil, fmt.Errorf("analyzing %q: %w", target, err)
	}
	dir := cacheDir()
	if dir == "" {
		tmp, err := os.MkdirTemp("", "leve-analyze-")
		if err != nil {
			return nil, fmt.Errorf("analyzing %q: %w", target, err)
		}
		defer os.RemoveAll(tmp)
		dir = tmp
	} else {
		dir = filepath.Join(dir, "bin")
	}
	// -dumpdep: the linker's own chains to the reflect calls that disable
	// its method dead-code elimination.
	bin, err := compile.Build(ctx, pkg, dir, compile.Options{Platform: l.platform, Tags: l.tags, Stderr: l.stderr, DumpDep: true})
	if err != nil {
		return nil, err
	}
	data, err := os.ReadFile(bin.Path)
	if err != nil {
		return nil, fmt.Errorf("analyzing %q: %w", target, err)
	}
	note := fmt.Sprintf("built %s for %s as leve build does (CGO_ENABLED=0, -trimpath)", pkg.ImportPath, l.platform)
	if !l.noStrip {
		stripped, res, err := optimize.Strip(data)
		if err != nil {
			return nil, fmt.Errorf("analyzing %q: %w", target, err)
		}
		data = stripped
		note += fmt.Sprintf(", stripped %s → %s", report.Bytes(res.Before), report.Bytes(res.After))
	}
	rep, err := analyse(target, bytes.NewReader(data))
	if err != nil {
		return nil, err
	}
	rep.ApplyDumpDep(bin.Deps)
	suggestPack(rep, bytes.NewReader(data))
	explainImports(ctx, rep, pkg, l.platform, l.tags)
	rep.Path = pkg.Name
	return &loaded{name: target, rep: rep, notes: []string{note}}, nil
}

// loadFile reads an ELF executable, a packed executable or a saved JSON
// result.
func (l loader) loadFile(path string) (*loaded, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("analyzing %q: %w", path, err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("analyzing %q: %w", path, err)
	}
	head := make([]byte, 512)
	n, _ := f.ReadAt(head, 0)
	head = head[:n]
	in := &loaded{name: path}
	switch {
	case n == 0:
		return nil, fmt.Errorf("analyzing %q: the file is empty: give a Go executable built for Linux, or a saved --json result", path)
	case bytes.HasPrefix(head, []byte("\x7fELF")) && pack.IsPacked(f, fi.Size()):
		pf, err := pack.Open(f, fi.Size())
		if err != nil {
			return nil, fmt.Errorf("analyzing %q: a damaged leve packed executable (%w): pack the original again", path, err)
		}
		orig, err := pf.Original()
		if errors.Is(err, pack.ErrTooLarge) {
			return nil, fmt.Errorf("analyzing %q: a leve packed executable: %w: analyze the original instead", path, err)
		}
		if err != nil {
			return nil, fmt.Errorf("analyzing %q: a damaged leve packed executable (%w): pack the original again", path, err)
		}
		in.notes = append(in.notes, fmt.Sprintf("%s is packed (%s); this is the original inside it (%s)", path, report.Bytes(fi.Size()), report.Bytes(int64(len(orig)))))
		// Sizes, deltas and gates are of the original: say so where it is named.
		in.name = path + " (unpacked)"
		in.rep, err = analyse(path, bytes.NewReader(orig))
		if err != nil {
			return nil, err
		}
	case bytes.HasPrefix(head, []byte("\x7fELF")):
		in.rep, err = analyse(path, f)
		if err != nil {
			return nil, err
		}
		// The packing estimate reads a sample of the file again, after the
		// analysis has released its copy.
		suggestPack(in.rep, f)
	case bytes.HasPrefix(bytes.TrimSpace(head), []byte("{")):
		in.rep, err = exe.ReadJSON(f)
		if err != nil {
			return nil, fmt.Errorf("analyzing %q: not a result of leve analyze --json (%w): save one with leve analyze --json BINARY > FILE", path, err)
		}
		return in, nil
	default:
		return nil, fmt.Errorf("analyzing %q: not an ELF executable, a saved --json result or a .go file: give a Go binary built for Linux (GOOS=linux), a package, or leve analyze --json output", path)
	}
	if t := in.rep.Trailing; t > 0 {
		in.notes = append(in.notes, fmt.Sprintf("%s of trailing data after the last byte the ELF headers reference (offset %d): not read, not analysed, left out of the estimates",
			report.Bytes(t), in.rep.Size-t))
	}
	in.rep.Path = path
	return in, nil
}

// analyse reads the executable in r and returns its report, with errors
// that say what is wrong with the input and what to do.
func analyse(name string, r io.ReaderAt) (*exe.Report, error) {
	rep, err := func() (*exe.Report, error) {
		f, err := exe.NewFile(r)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		return f.Report()
	}()
	var fe *exe.FormatError
	switch {
	case err == nil:
		return rep, nil
	case errors.Is(err, exe.ErrNotELF):
		return nil, fmt.Errorf("analyzing %q: %w: give a Go binary built for Linux (GOOS=linux)", name, err)
	case errors.Is(err, exe.ErrNotGo):
		return nil, fmt.Errorf("analyzing %q: an ELF file but %w: leve analyze reads programs built by the Go toolchain", name, exe.ErrNotGo)
	case errors.Is(err, exe.ErrUnsupportedArch):
		return nil, fmt.Errorf("analyzing %q: %w: leve analyze reads linux/amd64, arm64, 386 and arm executables", name, err)
	case errors.Is(err, exe.ErrNoPclntab), errors.Is(err, exe.ErrNoBuildInfo):
		return nil, fmt.Errorf("analyzing %q: %w: rebuild it with Go 1.18 or later, without post-processing", name, err)
	case errors.As(err, &fe):
		return nil, fmt.Errorf("analyzing %q: truncated or malformed (%w): copy or rebuild the file", name, err)
	}
	return nil, fmt.Errorf("analyzing %q: %w", name, err)
}
