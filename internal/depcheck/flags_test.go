package depcheck

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/leve-build/leve/internal/cli"
)

// flagUse matches a long flag in a string: "--name".
var flagUse = regexp.MustCompile(`(?:^|[^-\w])--([a-z0-9][a-z0-9-]*)`)

// flagExempt are the strings of pkg/ that name a leve flag and may, by
// file and flag, each with why. Every entry must still match something.
var flagExempt = map[string]string{
	// Text that is another program's input, not advice to leve's user.
	"pkg/dockerfile/emit.go --plain":     "the header comment of an emitted Dockerfile, golden-tested",
	"pkg/dockerfile/emit.go --platform":  "BuildKit's FROM --platform in an emitted Dockerfile",
	"pkg/dockerfile/parse.go --platform": "BuildKit's FROM --platform, quoted from the Dockerfile syntax",
	"pkg/pull/podman.go --format":        "podman's own save --format, in a hint",
	"pkg/pipeline/package.go --add":      "the image history of an --add layer: part of the image's digest",
	"pkg/lint/rules_build.go --no-strip": "quotes the Dockerfile's own RUN leve build command in a finding",
}

// TestLibrariesNameNoFlags: no string in a pkg/ source (tests aside) names
// a flag of leve's commands, but for flagExempt: libraries return typed
// errors and values, and internal/cli words them with the flags. Strings
// that are arguments of other programs (a []string literal, append's or
// exec.Command's arguments) are not advice and are not checked.
func TestLibrariesNameNoFlags(t *testing.T) {
	flags := leveFlags(cli.NewRoot())
	if !flags["platform"] || !flags["insecure"] || !flags["add"] {
		t.Fatalf("found leve flags %v, want --platform, --insecure and --add among them", flags)
	}
	used := map[string]bool{}
	files := 0
	err := filepath.WalkDir("../../pkg", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") || strings.Contains(path, "/testdata/") {
			return err
		}
		files++
		rel, _ := filepath.Rel("../..", path)
		rel = filepath.ToSlash(rel)
		f, err := parser.ParseFile(token.NewFileSet(), path, nil, parser.SkipObjectResolution)
		if err != nil {
			return err
		}
		for _, s := range adviceStrings(f) {
			for _, m := range flagUse.FindAllStringSubmatch(s, -1) {
				if !flags[m[1]] {
					continue
				}
				key := rel + " --" + m[1]
				if _, ok := flagExempt[key]; ok {
					used[key] = true
					continue
				}
				t.Errorf("%s: %q names leve's --%s: return a typed error or value and word it in internal/cli", rel, s, m[1])
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if files < 20 {
		t.Fatalf("read %d library sources, want leve's", files)
	}
	var stale []string
	for k := range flagExempt {
		if !used[k] {
			stale = append(stale, k)
		}
	}
	sort.Strings(stale)
	for _, k := range stale {
		t.Errorf("flagExempt lists %q, which no longer occurs: remove it", k)
	}
}

// leveFlags returns the long flags of root and every command under it.
func leveFlags(root *cobra.Command) map[string]bool {
	out := map[string]bool{}
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		add := func(f *pflag.Flag) {
			if f.Name != "help" {
				out[f.Name] = true
			}
		}
		c.Flags().VisitAll(add)
		c.PersistentFlags().VisitAll(add)
		for _, s := range c.Commands() {
			walk(s)
		}
	}
	walk(root)
	return out
}

// adviceStrings returns the string literals of f, but for those that are
// another program's arguments: elements of a []string literal, arguments
// of append, exec.Command or exec.CommandContext.
func adviceStrings(f *ast.File) []string {
	argv := map[*ast.BasicLit]bool{}
	ast.Inspect(f, func(n ast.Node) bool {
		var elems []ast.Expr
		switch n := n.(type) {
		case *ast.CompositeLit:
			if at, ok := n.Type.(*ast.ArrayType); ok {
				if id, ok := at.Elt.(*ast.Ident); ok && id.Name == "string" {
					elems = n.Elts
				}
			}
		case *ast.CallExpr:
			switch fn := n.Fun.(type) {
			case *ast.Ident:
				if fn.Name == "append" {
					elems = n.Args
				}
			case *ast.SelectorExpr:
				if x, ok := fn.X.(*ast.Ident); ok && x.Name == "exec" {
					elems = n.Args
				}
			}
		}
		for _, e := range elems {
			if lit, ok := e.(*ast.BasicLit); ok {
				argv[lit] = true
			}
		}
		return true
	})
	var out []string
	ast.Inspect(f, func(n ast.Node) bool {
		lit, ok := n.(*ast.BasicLit)
		if ok && lit.Kind == token.STRING && !argv[lit] {
			if s, err := strconv.Unquote(lit.Value); err == nil {
				out = append(out, s)
			}
		}
		return true
	})
	return out
}
