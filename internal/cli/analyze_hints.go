package cli

import (
	"errors"
	"fmt"

	"github.com/leve-build/leve/pkg/exe"
	"github.com/leve-build/leve/pkg/pack"
	"github.com/leve-build/leve/pkg/pipeline"
)

// analyzeAdvice turns an error of pipeline.Analyze into one line that says
// what is wrong with the input and what to do.
func analyzeAdvice(err error) error {
	var ae *pipeline.AnalyzeError
	if !errors.As(err, &ae) {
		return err
	}
	name, cause := ae.Target, ae.Err
	var fe *exe.FormatError
	switch {
	case ae.Kind == pipeline.ErrNoTarget:
		return fmt.Errorf("analyzing %q: no such file, directory or package: give a Go executable, a saved --json result, a package directory, an import path or a .go file", name)
	case ae.Kind == pipeline.ErrEmptyFile:
		return fmt.Errorf("analyzing %q: the file is empty: give a Go executable built for Linux, or a saved --json result", name)
	case ae.Kind == pipeline.ErrUnknownInput:
		return fmt.Errorf("analyzing %q: not an ELF executable, a saved --json result or a .go file: give a Go binary built for Linux (GOOS=linux), a package, or leve analyze --json output", name)
	case ae.Kind == pipeline.ErrDamagedPack:
		return fmt.Errorf("analyzing %q: a damaged leve packed executable (%w): pack the original again", name, cause)
	case ae.Kind == pipeline.ErrPackedTooLarge && errors.Is(cause, pack.ErrTooLarge):
		return fmt.Errorf("analyzing %q: a leve packed executable: %w: analyze the original instead", name, cause)
	case ae.Kind == pipeline.ErrNotAnalysis:
		return fmt.Errorf("analyzing %q: not a result of leve analyze --json (%w): save one with leve analyze --json BINARY > FILE", name, cause)
	case ae.Kind != pipeline.ErrUnreadable:
		return err
	case errors.Is(cause, exe.ErrNotELF):
		return fmt.Errorf("analyzing %q: %w: give a Go binary built for Linux (GOOS=linux)", name, cause)
	case errors.Is(cause, exe.ErrNotGo):
		return fmt.Errorf("analyzing %q: an ELF file but %w: leve analyze reads programs built by the Go toolchain", name, exe.ErrNotGo)
	case errors.Is(cause, exe.ErrUnsupportedArch):
		return fmt.Errorf("analyzing %q: %w: leve analyze reads linux/amd64, arm64, 386 and arm executables", name, cause)
	case errors.Is(cause, exe.ErrNoPclntab), errors.Is(cause, exe.ErrNoBuildInfo):
		return fmt.Errorf("analyzing %q: %w: rebuild it with Go 1.18 or later, without post-processing", name, cause)
	case errors.As(cause, &fe):
		return fmt.Errorf("analyzing %q: truncated or malformed (%w): copy or rebuild the file", name, cause)
	}
	return fmt.Errorf("analyzing %q: %w", name, cause)
}
