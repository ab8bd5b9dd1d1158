package compile

import "errors"

// Sentinel errors for the conditions callers branch on. Errors returned by
// Resolve and Build wrap one of them with the target and what to do.
var (
	// ErrNotFound means the target names no file, directory or package.
	ErrNotFound = errors.New("target not found")
	// ErrNoGoFiles means the target directory holds no buildable .go file.
	ErrNoGoFiles = errors.New("no Go files")
	// ErrNotMain means the target is a library package, not a command.
	ErrNotMain = errors.New("not a main package")
	// ErrCgo means the target needs cgo, which a static scratch image cannot run.
	ErrCgo = errors.New("package uses cgo")
	// ErrCompile means "go build" failed; its diagnostics went to stderr.
	ErrCompile = errors.New("go build failed")
	// ErrMultiple means the target matched more than one package.
	ErrMultiple = errors.New("more than one package")
)
