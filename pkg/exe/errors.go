package exe

import (
	"errors"
	"fmt"
)

// Sentinel errors returned (wrapped) by [Open], [NewFile] and the [File]
// methods. Test for them with errors.Is.
var (
	// ErrNotELF means the input does not start with an ELF header.
	ErrNotELF = errors.New("not an ELF file")
	// ErrNotGo means the input is an ELF file without Go build information
	// or pclntab.
	ErrNotGo = errors.New("not a Go executable")
	// ErrUnsupportedArch means the ELF machine is not amd64, arm64, 386 or arm.
	ErrUnsupportedArch = errors.New("unsupported architecture")
	// ErrNoPclntab means no Go 1.18+ pclntab was found, so bytes cannot be
	// attributed to packages.
	ErrNoPclntab = errors.New("no Go 1.18+ pclntab")
	// ErrNoBuildInfo means the Go build information is missing.
	ErrNoBuildInfo = errors.New("no Go build information")
	// ErrSchema means a JSON report has an unknown schema identifier.
	ErrSchema = errors.New("unknown report schema")
)

// A FormatError reports malformed data at a byte offset of the file.
type FormatError struct {
	Off int64  // offset in the file, or -1 when unknown
	Msg string // what is wrong, lowercase
}

// Error implements error.
func (e *FormatError) Error() string {
	if e.Off < 0 {
		return "malformed executable: " + e.Msg
	}
	return fmt.Sprintf("malformed executable at byte %#x: %s", e.Off, e.Msg)
}

// internalError starts the message of a FormatError made from a recovered
// panic: a reader bug that malformed input reached. Fuzz targets fail on it.
const internalError = "internal error on malformed input: "

func formatErr(off int64, format string, args ...any) error {
	return &FormatError{Off: off, Msg: fmt.Sprintf(format, args...)}
}
