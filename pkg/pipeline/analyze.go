package pipeline

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/leve-build/leve/pkg/compile"
	"github.com/leve-build/leve/pkg/exe"
	"github.com/leve-build/leve/pkg/optimize"
	"github.com/leve-build/leve/pkg/pack"
	"github.com/leve-build/leve/pkg/platform"
)

// Input is what the target of Analyze turned out to be.
type Input int

// The inputs Analyze reads.
const (
	// InputPackage: a package, built as Build builds it.
	InputPackage Input = iota
	// InputExecutable: a Linux Go executable.
	InputExecutable
	// InputPacked: an executable packed by pkg/pack; the original inside
	// is analysed.
	InputPacked
	// InputJSON: an analysis saved as JSON (exe.Report.WriteJSON).
	InputJSON
)

// Analysis is the result of Analyze.
type Analysis struct {
	// Report is the analysis of the executable: the one built, the file,
	// the original inside a packed file, or the saved one.
	Report *exe.Report
	// Input is what the target was.
	Input Input
	// Built says what was compiled, for InputPackage.
	Built *Compiled
	// PackedSize is the size of the packed file, for InputPacked.
	PackedSize int64
	// PackEstimate is what pkg/pack would make of the executable, when it
	// can be packed and would shrink (not for InputJSON).
	PackEstimate *pack.Estimate
}

// Compiled is the package Analyze compiled and how.
type Compiled struct {
	ImportPath string
	Platform   platform.Platform
	Cgo        bool
	// Strip is the strip that followed, nil with Options.NoStrip.
	Strip *StripResult
}

// Analyze reads what o.Target names and explains its bytes: a Linux Go
// executable, one packed by pkg/pack, an analysis saved as JSON, or a
// package (a directory, import path or .go file), which it compiles for
// the first of o.Platforms with o's tags, flags and cgo setting, as Build
// does (linked without DWARF unless o.NoStrip), then strips unless o.NoStrip. Of o it uses the compile options,
// NoStrip, CacheDir, WorkDir, Stderr and Compiler. A target it cannot read
// gives an *AnalyzeError.
func Analyze(ctx context.Context, o Options) (*Analysis, error) {
	target := o.Target
	if target == "" {
		target = "."
	}
	fi, statErr := os.Stat(target)
	if statErr == nil && fi.Mode().IsRegular() && !strings.HasSuffix(target, ".go") {
		return analyzeFile(target)
	}
	return analyzePackage(ctx, o, target, statErr != nil)
}

// analyzePackage compiles the package target, strips it unless o.NoStrip
// and analyses the result; missing says no file or directory has that
// name.
func analyzePackage(ctx context.Context, o Options, target string, missing bool) (*Analysis, error) {
	p := platform.Default
	if len(o.Platforms) > 0 {
		p = o.Platforms[0]
	}
	q := compile.Query{Platform: p, Settings: o.Compile}
	pkg, err := o.compiler().Resolve(ctx, target, q)
	if err != nil {
		if errors.Is(err, compile.ErrNotFound) && missing {
			return nil, &AnalyzeError{Target: target, Kind: ErrNoTarget, Err: err}
		}
		return nil, fmt.Errorf("analyzing %q: %w", target, err)
	}
	dir := filepath.Join(o.CacheDir, "bin")
	if o.CacheDir == "" {
		if dir, err = os.MkdirTemp(o.WorkDir, "leve-analyze-"); err != nil {
			return nil, fmt.Errorf("analyzing %q: %w", target, err)
		}
		defer os.RemoveAll(dir)
	}
	// DumpDep: the linker's own chains to the reflect calls that disable
	// its method dead-code elimination.
	// NoDWARF as in Build: what is analysed is what Build ships.
	bin, err := o.compiler().Build(ctx, pkg, dir, compile.Options{
		Platform: p, Settings: o.Compile, Stderr: o.Stderr, DumpDep: true, NoDWARF: !o.NoStrip,
	})
	if err != nil {
		return nil, err
	}
	data, err := bin.ReadFile(ctx)
	if err != nil {
		return nil, fmt.Errorf("analyzing %q: %w", target, err)
	}
	a := &Analysis{Input: InputPackage, Built: &Compiled{ImportPath: pkg.ImportPath, Platform: p, Cgo: o.Compile.Cgo}}
	if !o.NoStrip {
		stripped, res, err := optimize.Strip(data)
		if err != nil {
			return nil, fmt.Errorf("analyzing %q: %w", target, err)
		}
		data = stripped
		a.Built.Strip = &StripResult{Before: res.Before, After: res.After, Sections: len(res.Removed), NoDWARF: true}
	}
	if a.Report, err = readReport(target, bytes.NewReader(data)); err != nil {
		return nil, err
	}
	if bin.Deps != nil {
		a.Report.ApplyDumpDep(bin.Deps)
	}
	a.PackEstimate = estimatePack(a.Report, bytes.NewReader(data))
	explainImports(ctx, o, a.Report, pkg, q)
	a.Report.Path = pkg.Name
	return a, nil
}

// analyzeFile reads an ELF executable, a packed executable or a saved
// JSON analysis, telling them apart by their first bytes.
func analyzeFile(path string) (*Analysis, error) {
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
	a := &Analysis{Input: InputExecutable}
	switch {
	case n == 0:
		return nil, &AnalyzeError{Target: path, Kind: ErrEmptyFile}
	case bytes.HasPrefix(head, []byte("\x7fELF")) && pack.IsPacked(f, fi.Size()):
		pf, err := pack.Open(f, fi.Size())
		if err != nil {
			return nil, &AnalyzeError{Target: path, Kind: ErrDamagedPack, Err: err}
		}
		orig, err := pf.Original()
		if errors.Is(err, pack.ErrTooLarge) {
			return nil, &AnalyzeError{Target: path, Kind: ErrPackedTooLarge, Err: err}
		}
		if err != nil {
			return nil, &AnalyzeError{Target: path, Kind: ErrDamagedPack, Err: err}
		}
		a.Input, a.PackedSize = InputPacked, fi.Size()
		if a.Report, err = readReport(path, bytes.NewReader(orig)); err != nil {
			return nil, err
		}
	case bytes.HasPrefix(head, []byte("\x7fELF")):
		if a.Report, err = readReport(path, f); err != nil {
			return nil, err
		}
		// The packing estimate reads a sample of the file again, after the
		// analysis has released its copy.
		a.PackEstimate = estimatePack(a.Report, f)
	case bytes.HasPrefix(bytes.TrimSpace(head), []byte("{")):
		rep, err := exe.ReadJSON(f)
		if err != nil {
			return nil, &AnalyzeError{Target: path, Kind: ErrNotAnalysis, Err: err}
		}
		return &Analysis{Input: InputJSON, Report: rep}, nil
	default:
		return nil, &AnalyzeError{Target: path, Kind: ErrUnknownInput}
	}
	a.Report.Path = path
	return a, nil
}

// readReport analyses the executable in r; an error is an *AnalyzeError
// of kind ErrUnreadable wrapping pkg/exe's.
func readReport(name string, r io.ReaderAt) (*exe.Report, error) {
	f, err := exe.NewFile(r)
	if err != nil {
		return nil, &AnalyzeError{Target: name, Kind: ErrUnreadable, Err: err}
	}
	defer f.Close()
	rep, err := f.Report()
	if err != nil {
		return nil, &AnalyzeError{Target: name, Kind: ErrUnreadable, Err: err}
	}
	return rep, nil
}
