package pipeline

import (
	"context"

	"github.com/leve-build/leve/pkg/compile"
)

// Compiler is the compile stage's seam: it finds the main package of a
// target and builds it into a binary under outDir. GoCompiler, the
// default, runs the go command; tests give one that runs no toolchain.
type Compiler interface {
	// Resolve finds the main package a target names, for q's platform,
	// tags and cgo setting.
	Resolve(ctx context.Context, target string, q compile.Query) (compile.Package, error)
	// Build compiles pkg into a file under outDir and returns it.
	Build(ctx context.Context, pkg compile.Package, outDir string, o compile.Options) (compile.Binary, error)
}

// GoCompiler is the Compiler of pkg/compile: go list and go build.
type GoCompiler struct{}

var _ Compiler = GoCompiler{}

// Resolve calls compile.Resolve.
func (GoCompiler) Resolve(ctx context.Context, target string, q compile.Query) (compile.Package, error) {
	return compile.Resolve(ctx, target, q)
}

// Build calls compile.Build.
func (GoCompiler) Build(ctx context.Context, pkg compile.Package, outDir string, o compile.Options) (compile.Binary, error) {
	return compile.Build(ctx, pkg, outDir, o)
}

// compiler returns o.Compiler, or GoCompiler when it is nil.
func (o Options) compiler() Compiler {
	if o.Compiler == nil {
		return GoCompiler{}
	}
	return o.Compiler
}
