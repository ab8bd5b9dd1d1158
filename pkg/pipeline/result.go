package pipeline

import "time"

// StageResult is the typed outcome of a stage, from which a renderer
// writes the stage's line for people: *ReadResult, *OptimizeResult or
// *PackageResult. The compile and ship stages have none: their Summary
// says it all.
type StageResult interface{ stageResult() }

// ReadResult is what the read stage found in the binary.
type ReadResult struct {
	GoVersion string
	Linking   string // "static", "dynamic (libc.so.6)", ...
	// Needs are the kinds of run-time files the binary needs.
	Needs []string
	// Top are the packages owning the most bytes, largest first (at most
	// three).
	Top []PackageReport
	// Basic is set when only the build info was read (an architecture
	// pkg/exe does not analyse); Arch names it.
	Basic bool
	Arch  string
}

// OptimizeResult is what the optimize stage did to the binary.
type OptimizeResult struct {
	// Strip is nil when the symbols and DWARF were kept (NoStrip).
	Strip *StripResult
	// Pack is nil unless the binary was packed (Pack).
	Pack *PackResult
}

// StripResult is the binary's size before and after stripping.
type StripResult struct {
	Before, After int64
	Sections      int // sections removed
	// NoDWARF is set when the binary was linked without DWARF (-w), so
	// Before counts only the symbol table that strip removed.
	NoDWARF bool
}

// PackResult is the binary's size before and after packing.
type PackResult struct {
	Before, After int64
	// Cached is set when the packed binary came from the cache; Ratio
	// and Duration are then zero.
	Cached   bool
	Ratio    float64 // After / Before
	Duration time.Duration
}

// PackageResult is the image the package stage assembled.
type PackageResult struct {
	On                 string // "scratch" or the base
	Compression, Level string
	Layers             []BlobReport
	SBOM               *BlobReport // nil without an SBOM
}

func (*ReadResult) stageResult()     {}
func (*OptimizeResult) stageResult() {}
func (*PackageResult) stageResult()  {}
