package pipeline

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/leve-build/leve/pkg/compile"
	"github.com/leve-build/leve/pkg/exe"
	"github.com/leve-build/leve/pkg/pack"
)

// ImportLister is a Compiler that also lists a package's import graph
// (compile.Imports); Analyze then says which packages import each heavy
// one. GoCompiler is one.
type ImportLister interface {
	Imports(ctx context.Context, pkg compile.Package, q compile.Query) (map[string][]string, error)
}

var _ ImportLister = GoCompiler{}

// Imports calls compile.Imports.
func (GoCompiler) Imports(ctx context.Context, pkg compile.Package, q compile.Query) (map[string][]string, error) {
	return compile.Imports(ctx, pkg, q)
}

// estimatePack returns the packer's estimate for the executable in r when
// it can be packed (static, amd64 or arm64, at most pack.MaxInputSize)
// and would shrink, else nil. The estimate reads a sample of what the ELF
// headers reference, never the trailing data.
func estimatePack(rep *exe.Report, r io.ReaderAt) *pack.Estimate {
	n := rep.Size - rep.Trailing
	if !rep.Linking.Static || (rep.GOARCH != "amd64" && rep.GOARCH != "arm64") || n <= 0 || pack.CheckSize(rep.Size) != nil {
		return nil
	}
	e, err := pack.EstimateSizeAt(r, n)
	if err != nil || e.Size >= n {
		return nil // the estimate is a bonus; the analysis stands without it
	}
	return &e
}

// explainImports adds to each heavy-package suggestion which packages of
// the program import it, and to the largest packages their shortest
// import chain from the main package, when o's compiler lists imports:
// the fix is usually in one of them ("fmt" pulled in for one Printf).
func explainImports(ctx context.Context, o Options, rep *exe.Report, pkg compile.Package, q compile.Query) {
	l, ok := o.compiler().(ImportLister)
	if !ok {
		return
	}
	imports, err := l.Imports(ctx, pkg, q)
	if err != nil {
		return // the hint is a bonus; the analysis stands without it
	}
	importers := map[string][]string{}
	for p, imps := range imports {
		for _, imp := range imps {
			importers[imp] = append(importers[imp], p)
		}
	}
	setImportChains(rep, pkg.ImportPath, imports)
	for i, s := range rep.Suggestions {
		if s.Kind != exe.SuggestPackage {
			continue
		}
		path, _, _ := strings.Cut(s.Detail, " ")
		by := importers[path]
		if len(by) == 0 {
			continue
		}
		slices.Sort(by)
		shown := by[:min(4, len(by))]
		more := ""
		if len(by) > len(shown) {
			more = fmt.Sprintf(" and %d more", len(by)-len(shown))
		}
		rep.Suggestions[i].Detail += fmt.Sprintf("; imported by %s%s", strings.Join(shown, ", "), more)
	}
}

// importChainPackages is how many of the largest packages get the shortest
// import chain from the main package.
const importChainPackages = 10

// setImportChains sets the shortest import chain from the main package to
// each of the largest packages, found breadth-first in the import graph.
func setImportChains(rep *exe.Report, main string, imports map[string][]string) {
	parent := map[string]string{main: ""}
	queue := []string{main}
	for len(queue) > 0 {
		p := queue[0]
		queue = queue[1:]
		for _, imp := range imports[p] {
			if _, seen := parent[imp]; !seen {
				parent[imp] = p
				queue = append(queue, imp)
			}
		}
	}
	for i := range rep.Packages {
		if i == importChainPackages {
			break
		}
		p := &rep.Packages[i]
		if _, ok := parent[p.Path]; !ok || p.Path == main || p.Path == "main" {
			continue
		}
		var chain []string
		for q := p.Path; q != ""; q = parent[q] {
			chain = append(chain, q)
		}
		slices.Reverse(chain)
		p.ImportChain = chain
	}
}
