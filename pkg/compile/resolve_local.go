package compile

import (
	"context"
	"go/build"
	"go/version"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"golang.org/x/mod/modfile"
	"golang.org/x/mod/module"
)

// resolveInProcess lets Resolve decide the common case of a package
// directory in a module without go list; tests turn it off to compare
// with go list.
var resolveInProcess = true

// resolveLocal resolves the package directory abs of the module rooted at
// root without running go list, when the answer is the common one: a main
// package that builds (without cgo files, unless cgo), in a module that
// go list would read the way leve does. ok is false in every other case,
// and the caller asks go list, so that refusals and error messages are go
// list's own.
//
// Only that positive case is decided here because go/build is the copy of
// the Go leve was built with, and the user's toolchain may be older or
// newer: its release tags (go1.N), known GOOS/GOARCH file suffixes and
// tool tags (amd64.v2, goexperiment.X) may differ. A difference could at
// worst accept a package that go list would describe otherwise, and the
// go build that follows would report it; to keep that rare, a directory
// whose files are selected by any dotted tag (go1.N, goexperiment.X,
// arch.vN) is left to go list, as are settings go list reads that leve
// does not model: a workspace, GO111MODULE=off, -tags or -mod* in
// GOFLAGS, a symlink in the directory's path, a vendor directory, and a
// go.mod that needs a newer go, has godebug or ignore directives, or does
// not parse.
func resolveLocal(ctx context.Context, abs, root string, q Query) (pkg Package, ok bool) {
	if !resolveInProcess || !plainGoEnv(ctx, abs) || inWorkspace(abs) {
		return Package{}, false
	}
	if real, err := filepath.EvalSymlinks(abs); err != nil || real != abs {
		return Package{}, false
	}
	rel, err := filepath.Rel(root, abs)
	if err != nil || !plainModuleDir(rel) {
		return Package{}, false
	}
	modPath, ok := plainModule(ctx, root)
	if !ok {
		return Package{}, false
	}
	importPath := modPath
	if rel != "." {
		importPath += "/" + filepath.ToSlash(rel)
	}
	if module.CheckImportPath(importPath) != nil || !plainMain(abs, q) {
		return Package{}, false
	}
	return Package{Name: commandName(importPath), Dir: abs, ImportPath: importPath, Args: []string{importPath}, Module: modPath}, true
}

// plainGoEnv reports whether the go command's settings are ones under
// which go list reads a module directory as resolveLocal does.
func plainGoEnv(ctx context.Context, dir string) bool {
	env, ok := readGoEnv(ctx, dir)
	if !ok || env.GO111MODULE == "off" || !version.IsValid(env.GOVERSION) {
		return false
	}
	for _, f := range env.Flags {
		name := strings.TrimLeft(f, "-")
		if strings.HasPrefix(name, "tags") || strings.HasPrefix(name, "mod") {
			return false
		}
	}
	return true
}

// inWorkspace reports whether a go.work may be in effect for dir: GOWORK
// names a file, or it is unset and there is a go.work at or above dir.
// (go env -w cannot set GOWORK: the environment is the only source.)
func inWorkspace(dir string) bool {
	switch gowork := os.Getenv("GOWORK"); gowork {
	case "off":
		return false
	case "":
		return findUp(dir, "go.work") != ""
	default:
		return true
	}
}

// findUp returns the nearest directory at or above dir holding a regular
// file named name, or "" if there is none.
func findUp(dir, name string) string {
	for {
		if fi, err := os.Stat(filepath.Join(dir, name)); err == nil && !fi.IsDir() {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return ""
		}
		dir = parent
	}
}

// plainModuleDir reports whether the module-relative directory rel holds
// no element that the go command treats specially (vendor, testdata, and
// names starting with "_" or ".").
func plainModuleDir(rel string) bool {
	if rel == "." {
		return true
	}
	for _, e := range strings.Split(filepath.ToSlash(rel), "/") {
		if e == "vendor" || e == "testdata" || e == "" || e[0] == '_' || e[0] == '.' {
			return false
		}
	}
	return true
}

// plainModule returns the path of the module rooted at root, when it has
// no vendor directory and its go.mod parses strictly, has no ignore or godebug directive (which the go
// command checks against its own lists), and needs no newer go than the
// go command's.
func plainModule(ctx context.Context, root string) (string, bool) {
	if _, err := os.Lstat(filepath.Join(root, "vendor")); err == nil {
		return "", false // go list checks vendor/modules.txt against go.mod
	}
	gomod := filepath.Join(root, "go.mod")
	data, err := os.ReadFile(gomod)
	if err != nil {
		return "", false
	}
	f, err := modfile.Parse(gomod, data, nil)
	if err != nil || f.Module == nil || len(f.Ignore) > 0 || len(f.Godebug) > 0 {
		return "", false
	}
	env, _ := readGoEnv(ctx, root) // remembered by plainGoEnv
	if f.Go != nil && version.Compare("go"+f.Go.Version, env.GOVERSION) > 0 {
		return "", false
	}
	if f.Toolchain != nil && version.Compare(f.Toolchain.Name, env.GOVERSION) > 0 {
		return "", false
	}
	modPath := f.Module.Mod.Path
	if modPath != modfile.ModulePath(data) || modPath == "std" || modPath == "cmd" {
		return "", false
	}
	return modPath, true
}

// plainMain reports whether the directory abs holds, for q's platform and
// tags, one package main that builds (without cgo files, unless q.Cgo),
// with no file selected by a dotted tag.
func plainMain(abs string, q Query) bool {
	ctxt := build.Default
	ctxt.GOOS, ctxt.GOARCH, ctxt.BuildTags = q.Platform.OS, q.Platform.Arch, q.Tags
	ctxt.CgoEnabled = true // as go list runs with CGO_ENABLED=1
	info, err := ctxt.ImportDir(abs, 0)
	if err != nil || info.Name != "main" || (len(info.CgoFiles) > 0 && !q.Cgo) {
		return false
	}
	return !slices.ContainsFunc(info.AllTags, func(tag string) bool { return strings.Contains(tag, ".") })
}
