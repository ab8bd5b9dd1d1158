package pipeline

import (
	"errors"
	"fmt"
)

// The kinds of AnalyzeError.
var (
	// ErrNoTarget: no file, directory or package has the target's name.
	ErrNoTarget = errors.New("no such file, directory or package")
	// ErrEmptyFile: the target is an empty file.
	ErrEmptyFile = errors.New("the file is empty")
	// ErrUnknownInput: the file is neither an ELF executable nor a saved
	// analysis.
	ErrUnknownInput = errors.New("not an ELF executable, a saved analysis or a .go file")
	// ErrDamagedPack: a packed executable whose payload does not unpack.
	ErrDamagedPack = errors.New("a damaged leve packed executable")
	// ErrPackedTooLarge: a packed executable whose original is larger
	// than pkg/pack unpacks.
	ErrPackedTooLarge = errors.New("a leve packed executable too large to unpack")
	// ErrNotAnalysis: a JSON file that is not a saved analysis.
	ErrNotAnalysis = errors.New("not a saved analysis")
	// ErrUnreadable: an ELF file pkg/exe cannot analyse; Err is pkg/exe's
	// error (exe.ErrNotGo, exe.ErrUnsupportedArch, a *exe.FormatError, …).
	ErrUnreadable = errors.New("cannot analyse the executable")
)

// An AnalyzeError says why Analyze could not read its target.
type AnalyzeError struct {
	Target string
	// Kind is one of the Err variables above.
	Kind error
	// Err is the cause, or nil.
	Err error
}

func (e *AnalyzeError) Error() string {
	if e.Err == nil {
		return fmt.Sprintf("analyzing %q: %v", e.Target, e.Kind)
	}
	return fmt.Sprintf("analyzing %q: %v: %v", e.Target, e.Kind, e.Err)
}

// Unwrap returns the kind and the cause, for errors.Is.
func (e *AnalyzeError) Unwrap() []error {
	if e.Err == nil {
		return []error{e.Kind}
	}
	return []error{e.Kind, e.Err}
}
