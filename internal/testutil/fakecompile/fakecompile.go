// Package fakecompile is a compiler for tests that runs no Go toolchain:
// it resolves every target to one main package and "builds" it by
// writing a committed binary of that package, so that tests of the
// stages above the compile stage run in seconds without go on PATH.
//
// The binaries are made from testdata/hello by go generate (they change
// with the Go release that makes them; tests derive every digest from
// them, never from typed-in values).
package fakecompile

//go:generate env CGO_ENABLED=0 GOOS=linux GOARCH=amd64 go build -C testdata/hello -trimpath -buildvcs=false "-ldflags=-s -w" -o ../hello-linux-amd64 .
//go:generate env CGO_ENABLED=0 GOOS=linux GOARCH=arm64 go build -C testdata/hello -trimpath -buildvcs=false "-ldflags=-s -w" -o ../hello-linux-arm64 .

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"go/parser"
	"go/token"
	"os"
	"path"
	"path/filepath"
	"strings"
	"sync/atomic"

	"golang.org/x/mod/modfile"

	"github.com/leve-build/leve/pkg/cache"
	"github.com/leve-build/leve/pkg/compile"
)

//go:embed testdata/hello-linux-amd64 testdata/hello-linux-arm64
var binaries embed.FS

// The main package of the fixture binaries, as go list names it.
const (
	Name       = "hello"
	ImportPath = "example.com/hello"
	Module     = "example.com/hello"
)

// ErrNoBinary: there is no fixture binary for the platform asked for.
var ErrNoBinary = errors.New("fakecompile: no fixture binary")

// Compiler resolves any existing target to the package testdata/hello
// and builds it by writing the fixture binary of the platform (linux/amd64
// or linux/arm64). Its methods match pipeline.Compiler.
type Compiler struct {
	// Err, when set, is what Build returns, as a failing go build would.
	Err error
	// Builds counts the calls of Build.
	Builds atomic.Int64
}

// Binary returns the fixture binary for a GOARCH.
func Binary(arch string) ([]byte, error) {
	b, err := binaries.ReadFile("testdata/hello-linux-" + arch)
	if err != nil {
		return nil, fmt.Errorf("%w for linux/%s: %v", ErrNoBinary, arch, err)
	}
	return b, nil
}

// Resolve returns the package of target, which must be a directory of
// .go files (or a .go file) of package main, or the import path of one in
// the module of the working directory, without running go list: in
// a module its import path and name are the ones go list gives (from
// go.mod and the directory), elsewhere the fixture's. The binary Build
// writes is the fixture's whatever Resolve returned.
func (c *Compiler) Resolve(ctx context.Context, target string, q compile.Query) (compile.Package, error) {
	abs, err := filepath.Abs(target)
	if err != nil {
		return compile.Package{}, fmt.Errorf("resolving %q: %w", target, err)
	}
	fi, err := os.Stat(abs)
	if err != nil && !strings.HasPrefix(target, ".") && !filepath.IsAbs(target) {
		// an import path, which go list finds in the module of the
		// working directory
		if wd, werr := os.Getwd(); werr == nil {
			if root, mod := module(wd); mod != "" && (target == mod || strings.HasPrefix(target, mod+"/")) {
				abs = filepath.Join(root, filepath.FromSlash(strings.TrimPrefix(target, mod)))
				fi, err = os.Stat(abs)
			}
		}
	}
	if err != nil {
		return compile.Package{}, fmt.Errorf("resolving %q: %w: %v", target, compile.ErrNotFound, err)
	}
	dir, files := abs, []string{abs}
	if fi.IsDir() {
		files, _ = filepath.Glob(filepath.Join(abs, "*.go"))
	} else {
		dir = filepath.Dir(abs)
	}
	if len(files) == 0 {
		return compile.Package{}, fmt.Errorf("resolving %q: %w", target, compile.ErrNoGoFiles)
	}
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		af, err := parser.ParseFile(token.NewFileSet(), f, nil, parser.PackageClauseOnly)
		if err != nil {
			return compile.Package{}, fmt.Errorf("resolving %q: %w", target, err)
		}
		if af.Name.Name != "main" {
			return compile.Package{}, fmt.Errorf("resolving %q: %w (it is package %s)", target, compile.ErrNotMain, af.Name.Name)
		}
	}
	pkg := compile.Package{Name: Name, Dir: dir, ImportPath: ImportPath, Module: Module, Args: []string{"."}}
	if root, mod := module(dir); mod != "" {
		rel, _ := filepath.Rel(root, dir)
		pkg.Module, pkg.ImportPath = mod, path.Join(mod, filepath.ToSlash(rel))
		pkg.Name = path.Base(pkg.ImportPath)
	}
	return pkg, nil
}

// module returns the root and path of the module holding dir, if any.
func module(dir string) (root, mod string) {
	for d := dir; ; d = filepath.Dir(d) {
		if b, err := os.ReadFile(filepath.Join(d, "go.mod")); err == nil {
			return d, modfile.ModulePath(b)
		}
		if filepath.Dir(d) == d {
			return "", ""
		}
	}
}

// Build writes the fixture binary for o.Platform under outDir, with its
// digest recorded beside it as compile.Build does.
func (c *Compiler) Build(ctx context.Context, pkg compile.Package, outDir string, o compile.Options) (compile.Binary, error) {
	c.Builds.Add(1)
	if err := ctx.Err(); err != nil {
		return compile.Binary{}, fmt.Errorf("compiling %s: %w", pkg.Name, err)
	}
	if c.Err != nil {
		return compile.Binary{}, c.Err
	}
	if o.Platform.Variant != "" {
		return compile.Binary{}, fmt.Errorf("compiling %s: %w for %s", pkg.Name, ErrNoBinary, o.Platform)
	}
	data, err := Binary(o.Platform.Arch)
	if err != nil {
		return compile.Binary{}, fmt.Errorf("compiling %s: %w", pkg.Name, err)
	}
	dir := filepath.Join(outDir, "fake-"+o.Platform.OS+"-"+o.Platform.Arch)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return compile.Binary{}, fmt.Errorf("compiling %s: %w", pkg.Name, err)
	}
	out := filepath.Join(dir, pkg.Name)
	if err := os.WriteFile(out, data, 0o755); err != nil {
		return compile.Binary{}, fmt.Errorf("compiling %s: %w", pkg.Name, err)
	}
	digest := cache.Digest(data)
	if err := cache.WriteDigest(out, digest); err != nil {
		return compile.Binary{}, fmt.Errorf("compiling %s: %w", pkg.Name, err)
	}
	return compile.Binary{Package: pkg, Platform: o.Platform, Path: out, Size: int64(len(data)), Digest: digest}, nil
}
