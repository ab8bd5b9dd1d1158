package compile

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"go/build"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/leve-build/leve/internal/oneline"
	"github.com/leve-build/leve/pkg/platform"
)

// Package is a resolved build target.
type Package struct {
	// Name is the binary name: the last element of the import path (the
	// package directory, or the module for its root package), skipping a
	// major version suffix such as "/v2"; for lone files, the file's name
	// without ".go" or the directory's name. It does not depend on where
	// the source is checked out.
	Name string
	// Dir is the absolute directory go build runs in.
	Dir string
	// ImportPath is the package's import path, "command-line-arguments"
	// for lone files.
	ImportPath string
	// Args are the package arguments passed to go build: one import path,
	// or the list of .go files for a directory without a go.mod.
	Args []string
	// Module is the main module's path, empty for lone files.
	Module string
}

// Query says for what a target is resolved: its platform and the build
// settings, of which Resolve and Imports read Tags and Cgo. Without Cgo,
// packages that use cgo are refused with ErrCgo, since a static scratch
// image cannot run them.
type Query struct {
	Platform platform.Platform
	Settings
}

// Resolve finds what target names: a package directory or import path in a
// module, a lone .go file, or a directory of .go files with no go.mod. It
// checks that the target is one main package that builds (without cgo,
// unless q.Cgo). A package directory of a module that plainly is one is
// resolved from its go.mod and files without running go list; every other
// target, and every refusal, is go list's answer.
func Resolve(ctx context.Context, target string, q Query) (Package, error) {
	p, tags := q.Platform, q.Tags
	if target == "" {
		target = "."
	}
	if strings.Contains(target, "...") {
		return Package{}, fmt.Errorf("resolving %q: %w: build one main package at a time", target, ErrMultiple)
	}
	fi, err := os.Stat(target)
	switch {
	case err == nil && !fi.IsDir():
		return resolveFile(target, q.Cgo)
	case err == nil:
		abs, err := filepath.Abs(target)
		if err != nil {
			return Package{}, fmt.Errorf("resolving %q: %w", target, err)
		}
		root := findModuleRoot(abs)
		if root == "" {
			return resolveLoneDir(target, abs, p, tags, q.Cgo)
		}
		if pkg, ok := resolveLocal(ctx, abs, root, q); ok {
			return pkg, nil
		}
		return resolveInModule(ctx, target, abs, abs, p, tags, q.Cgo)
	case errors.Is(err, fs.ErrNotExist) && strings.Contains(target, "@"):
		return Package{}, fmt.Errorf("resolving %q: %w: a target is a directory, a .go file or a package of the module in the working directory, not PATH@VERSION; check the module out (git clone, or go mod download -json MODULE@VERSION, whose Dir holds it) and build its directory", target, ErrNotFound)
	case errors.Is(err, fs.ErrNotExist) && looksLikePath(target):
		return Package{}, fmt.Errorf("resolving %q: %w: no such file or directory; give a package directory, an import path or a .go file", target, ErrNotFound)
	case errors.Is(err, fs.ErrNotExist):
		wd, err := os.Getwd()
		if err != nil {
			return Package{}, fmt.Errorf("resolving %q: %w", target, err)
		}
		return resolveInModule(ctx, target, wd, target, p, tags, q.Cgo)
	default:
		return Package{}, fmt.Errorf("resolving %q: %w", target, err)
	}
}

func looksLikePath(s string) bool {
	return filepath.IsAbs(s) || s == "." || s == ".." || strings.HasPrefix(s, "./") || strings.HasPrefix(s, "../") || strings.HasSuffix(s, ".go")
}

// findModuleRoot returns the nearest directory at or above dir holding a
// go.mod, or "" if there is none.
func findModuleRoot(dir string) string { return findUp(dir, "go.mod") }

// resolveFile handles a single .go file, the seed's "app.go" case.
func resolveFile(target string, cgo bool) (Package, error) {
	if !strings.HasSuffix(target, ".go") {
		return Package{}, fmt.Errorf("resolving %q: %w: a file target must be a .go source file (to analyze or pack a binary, use leve analyze or leve pack)", target, ErrNotFound)
	}
	abs, err := filepath.Abs(target)
	if err != nil {
		return Package{}, fmt.Errorf("resolving %q: %w", target, err)
	}
	dir, file := filepath.Split(abs)
	ctxt := build.Default
	ctxt.CgoEnabled = true
	info, err := ctxt.ImportDir(dir, build.ImportComment)
	name := ""
	if info != nil {
		name = info.Name
	}
	if err != nil && name == "" {
		// Fall back to parsing the one file: the directory may mix packages.
		name, err = packageClause(abs)
		if err != nil {
			return Package{}, fmt.Errorf("resolving %q: %w", target, err)
		}
	}
	pkg := Package{Name: strings.TrimSuffix(file, ".go"), Dir: dir, ImportPath: "command-line-arguments", Args: []string{file}}
	if name != "main" {
		return Package{}, notMain(target, name)
	}
	if info != nil && slices.Contains(info.CgoFiles, file) && !cgo {
		return Package{}, cgoErr(target)
	}
	return pkg, nil
}

// resolveLoneDir handles a directory of .go files outside any module. Its
// files are filtered by build constraints for the platform and passed to go
// build by name, so the build does not depend on GOPATH or the directory.
func resolveLoneDir(target, abs string, p platform.Platform, tags []string, cgo bool) (Package, error) {
	ctxt := build.Default
	ctxt.GOOS, ctxt.GOARCH, ctxt.BuildTags = p.OS, p.Arch, tags
	ctxt.CgoEnabled = true
	info, err := ctxt.ImportDir(abs, 0)
	var noGo *build.NoGoError
	switch {
	case errors.As(err, &noGo):
		return Package{}, fmt.Errorf("resolving %q: %w in %s; point leve at the directory of your main package", target, ErrNoGoFiles, abs)
	case err != nil:
		return Package{}, fmt.Errorf("resolving %q: %w", target, err)
	case info.Name != "main":
		return Package{}, notMain(target, info.Name)
	case len(info.CgoFiles) > 0 && !cgo:
		return Package{}, cgoErr(target)
	}
	return Package{Name: filepath.Base(abs), Dir: abs, ImportPath: "command-line-arguments", Args: append(info.GoFiles, info.CgoFiles...)}, nil
}

// listed is the part of "go list -json" that Resolve reads.
type listed struct {
	Name       string
	Dir        string
	ImportPath string
	CgoFiles   []string
	Module     *struct{ Path string }
	Error      *struct{ Err string }
}

// resolveInModule asks go list about a directory or import path.
func resolveInModule(ctx context.Context, target, dir, arg string, p platform.Platform, tags []string, cgo bool) (Package, error) {
	if fi, err := os.Stat(arg); err == nil && fi.IsDir() {
		arg = "."
	}
	args := []string{"list", "-e", "-find", "-json=Name,Dir,ImportPath,CgoFiles,Module,Error"}
	if len(tags) > 0 {
		args = append(args, "-tags="+strings.Join(tags, ","))
	}
	cmd := GoCommand(ctx, append(args, arg)...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), append(p.Env(), "CGO_ENABLED=1")...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		if ctx.Err() != nil {
			return Package{}, fmt.Errorf("resolving %q: %w", target, ctx.Err())
		}
		msg := strings.TrimSpace(stderr.String())
		if msg == "" {
			msg = err.Error()
		}
		return Package{}, notFound(target, msg)
	}
	dec := json.NewDecoder(bytes.NewReader(out))
	var pkgs []listed
	for dec.More() {
		var l listed
		if err := dec.Decode(&l); err != nil {
			return Package{}, fmt.Errorf("resolving %q: reading go list output: %w", target, err)
		}
		pkgs = append(pkgs, l)
	}
	if len(pkgs) != 1 {
		return Package{}, fmt.Errorf("resolving %q: %w (%d); build one main package at a time", target, ErrMultiple, len(pkgs))
	}
	l := pkgs[0]
	if l.Error != nil {
		if strings.Contains(l.Error.Err, "no Go files") || strings.Contains(l.Error.Err, "build constraints exclude all Go files") {
			return Package{}, fmt.Errorf("resolving %q: %w in %s; point leve at the directory of your main package", target, ErrNoGoFiles, l.Dir)
		}
		if l.Name == "" {
			return Package{}, notFound(target, l.Error.Err)
		}
	}
	if l.Name != "main" {
		return Package{}, notMain(target, l.Name)
	}
	if len(l.CgoFiles) > 0 && !cgo {
		return Package{}, cgoErr(target)
	}
	pkg := Package{Name: commandName(l.ImportPath), Dir: dir, ImportPath: l.ImportPath, Args: []string{l.ImportPath}}
	if l.Module != nil {
		pkg.Module = l.Module.Path
	}
	return pkg, nil
}

// notFound explains a target go list could not find. A bare name that Go
// takes for a standard-library path ("missing") is most often a directory
// the user forgot the "./" of, or a typo.
func notFound(target, goMsg string) error {
	msg := oneline.First(goMsg)
	if strings.Contains(msg, "is not in std") {
		return fmt.Errorf("resolving %q: %w: no such directory, file or package; give a directory (./%s), a .go file or a full import path", target, ErrNotFound, target)
	}
	return fmt.Errorf("resolving %q: %w: %s", target, ErrNotFound, msg)
}

func notMain(target, name string) error {
	return fmt.Errorf("resolving %q: %w (it is package %s); point leve at a directory or file with package main", target, ErrNotMain, name)
}

func cgoErr(target string) error { return &CgoError{Target: target} }

// A CgoError refuses a target that uses cgo when cgo is not allowed
// (Query.Cgo). It wraps ErrCgo.
type CgoError struct {
	Target string
}

func (e *CgoError) Error() string { return e.Message("build with cgo enabled") }

// Message returns the error as one line, with withCgo the words for
// building with cgo allowed.
func (e *CgoError) Message(withCgo string) string {
	return fmt.Sprintf("resolving %q: %v (import \"C\"), so its binary needs a C library that a scratch image lacks; remove the cgo code, or %s on a base that has its C libraries", e.Target, ErrCgo, withCgo)
}

// Unwrap returns ErrCgo.
func (e *CgoError) Unwrap() error { return ErrCgo }

// commandName is the name go build gives a command: the last element of
// its import path, or the one before it for a "/vN" major version suffix.
func commandName(importPath string) string {
	elems := strings.Split(importPath, "/")
	name := elems[len(elems)-1]
	if len(elems) > 1 && len(name) > 1 && name[0] == 'v' && strings.Trim(name[1:], "0123456789") == "" {
		name = elems[len(elems)-2]
	}
	return name
}

// packageClause returns the package name a .go file declares.
func packageClause(path string) (string, error) {
	f, err := parser.ParseFile(token.NewFileSet(), path, nil, parser.PackageClauseOnly)
	if err != nil {
		return "", err
	}
	return f.Name.Name, nil
}
