// Package compile is the only package of leve that runs the Go toolchain.
//
// [Resolve] finds what to build for a target: a package in a module, or
// lone .go files with no go.mod (the seed tutorial's app.go), and checks
// that it is a main package. [ListMains] expands a pattern such as "./..."
// into its main packages. [Build] runs "go build" for one Linux
// [platform.Platform] with size-minded, reproducible defaults (CGO_ENABLED=0 unless
// asked, -trimpath; -ldflags=-w with [Options].NoDWARF, for a binary that is
// stripped afterwards) and returns the [Binary] it wrote. [Imports] lists a
// package's import graph; [GOROOT] says where the toolchain is.
// [GoCommand] is how each of them runs the go command.
//
// Nothing here prints: the compiler's own diagnostics are passed through,
// exactly as the compiler wrote them, to the writer in [Options].Stderr.
package compile
