package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"

	"github.com/leve-build/leve/internal/report"
	"github.com/leve-build/leve/pkg/compile"
	"github.com/leve-build/leve/pkg/exe"
	"github.com/leve-build/leve/pkg/pack"
)

// suggestPack adds the packer's estimate to rep's suggestions when the
// executable can be packed (static, amd64 or arm64, at most
// pack.MaxInputSize). r holds the executable; the estimate reads a sample
// of what its ELF headers reference, never its trailing data.
func suggestPack(rep *exe.Report, r io.ReaderAt) {
	n := rep.Size - rep.Trailing
	if !rep.Linking.Static || (rep.GOARCH != "amd64" && rep.GOARCH != "arm64") || n <= 0 || pack.CheckSize(rep.Size) != nil {
		return
	}
	e, err := pack.EstimateSizeAt(r, n)
	if err != nil {
		return // the suggestion is a bonus; the analysis stands without it
	}
	saving := n - e.Size
	if saving <= 0 {
		return
	}
	rep.Suggestions = append(rep.Suggestions, exe.Suggestion{Kind: exe.SuggestPack, Saving: saving,
		Detail: fmt.Sprintf("pack it with leve pack or leve build --pack: about %s (estimate ±%.0f %%), decompressed in memory at start-up, build info kept",
			report.Bytes(e.Size), 100*e.Error)})
}

// explainImports adds to each heavy-package suggestion which packages of
// the program import it, when the source is at hand: the fix is usually
// in one of them ("fmt" pulled in for one Printf).
func explainImports(ctx context.Context, rep *exe.Report, pkg compile.Package, p compile.Platform, tags []string) {
	args := []string{"list", "-deps", "-e", "-json=ImportPath,Imports,Standard"}
	if len(tags) > 0 {
		args = append(args, "-tags="+strings.Join(tags, ","))
	}
	cmd := compile.GoCommand(ctx, append(args, pkg.Args...)...)
	cmd.Dir = pkg.Dir
	cmd.Env = append(os.Environ(), append(p.Env(), "CGO_ENABLED=0")...)
	out, err := cmd.Output()
	if err != nil {
		return // the hint is a bonus; the analysis stands without it
	}
	importers := map[string][]string{}
	imports := map[string][]string{}
	dec := json.NewDecoder(bytes.NewReader(out))
	for dec.More() {
		var l struct {
			ImportPath string
			Imports    []string
			Standard   bool
		}
		if dec.Decode(&l) != nil {
			return
		}
		imports[l.ImportPath] = l.Imports
		for _, imp := range l.Imports {
			importers[imp] = append(importers[imp], l.ImportPath)
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
