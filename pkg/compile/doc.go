// Package compile drives the Go toolchain for one target: it resolves what
// to build (a package in a module, or lone .go files with no go.mod, as the
// seed tutorial's app.go), checks that it is a main package that can be built
// without cgo, and runs "go build" for one Linux platform with size-minded,
// reproducible defaults.
//
// Compile returns the path of the binary it wrote; it never prints. The
// compiler's own diagnostics are passed through to the writer given with
// WithStderr, exactly as the compiler wrote them.
package compile
