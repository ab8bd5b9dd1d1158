package report

import (
	_ "embed"
	"fmt"
	"html/template"
	"io"
	"path/filepath"
	"strings"

	"github.com/leve-build/leve/pkg/exe"
)

//go:embed assets/analyze.html.tmpl
var analyzeHTMLTemplate string

//go:embed assets/treemap.js
var treemapJS string

var analyzePage = template.Must(template.New("analyze").Funcs(template.FuncMap{
	"size":  Bytes,
	"share": share,
	"join":  strings.Join,
}).Parse(analyzeHTMLTemplate))

// A treeNode is one rectangle of the treemap: the whole file, a module,
// a package, a kind of bytes of a package (code, pcln, data, symtab) or a bucket
// owned by no package. Its JSON keys are short to keep the page small.
type treeNode struct {
	Name     string      `json:"n"`
	Kind     string      `json:"k"`
	Size     int64       `json:"s"`
	Children []*treeNode `json:"c,omitempty"`
}

// AnalyzeHTML writes one self-contained HTML page of an analysis: the
// header, an interactive treemap of modules, packages and kinds of bytes
// (click to zoom, hover for sizes; the bytes kept only because reflection
// disabled the method dead-code elimination are marked "kept for
// reflection"), and the tables of the text report.
// The page loads nothing from the network: its script and style are
// inline. Every package is listed; o.Top is not used.
func AnalyzeHTML(w io.Writer, r *exe.Report, o AnalyzeOptions) error {
	name := filepath.Base(r.Path)
	if r.Path == "" {
		name = "executable"
	}
	unattributed := []string{"0 B"}
	for _, b := range r.Buckets {
		if b.Kind == "unattributed" && b.Size > 0 {
			if unattributed[0] == "0 B" {
				unattributed = unattributed[:0]
			}
			unattributed = append(unattributed, Bytes(b.Size)+" in "+b.Name)
		}
	}
	data := struct {
		Name         string
		R            *exe.Report
		Notes        []string
		Attributed   string
		Unattributed string
		Tree         *treeNode
		Script       template.JS
		MethodDCE    string
	}{
		Name: name, R: r, Notes: o.Notes,
		Attributed:   fmt.Sprintf("%.1f %%", 100*r.Coverage.Attributed()),
		Unattributed: strings.Join(unattributed, ", "),
		Tree:         analysisTree(r, name),
		Script:       template.JS(treemapJS),
	}
	if r.MethodDeadCode != nil {
		data.MethodDCE = MethodDeadCodeLine(r.MethodDeadCode)
	}
	if err := analyzePage.Execute(w, data); err != nil {
		return fmt.Errorf("writing the HTML report: %w", err)
	}
	return nil
}

// analysisTree groups the file's bytes as modules → packages → kinds, with
// the bytes owned by no package under their own node, so that the tree's
// leaves add up to the file size.
func analysisTree(r *exe.Report, name string) *treeNode {
	root := &treeNode{Name: name, Kind: "file", Size: r.Size}
	mods := map[string]*treeNode{}
	for _, m := range r.Modules {
		n := &treeNode{Name: m.Path, Kind: "module"}
		if m.Shared > 0 {
			n.Children = append(n.Children, &treeNode{Name: "shared by its packages", Kind: "shared", Size: m.Shared})
		}
		mods[m.Path] = n
		root.Children = append(root.Children, n)
	}
	for _, p := range r.Packages {
		mod := mods[p.Module]
		if mod == nil {
			mod = &treeNode{Name: orDash(p.Module), Kind: "module"}
			mods[p.Module] = mod
			root.Children = append(root.Children, mod)
		}
		pn := &treeNode{Name: p.Path, Kind: "package"}
		// The bytes kept only because reflection disabled the method
		// dead-code elimination are taken out of code and pcln, in their
		// proportion, so that the leaves still add up.
		code, pcln := p.Code, p.Pcln
		var reflectCode, reflectPcln int64
		if ro := min(p.ReflectOnly, code+pcln); ro > 0 {
			reflectCode = ro * code / (code + pcln)
			reflectPcln = ro - reflectCode
			code, pcln = code-reflectCode, pcln-reflectPcln
		}
		for _, k := range []struct {
			name, kind string
			size       int64
		}{{"code", "code", code}, {"pcln", "pcln", pcln}, {"kept for reflection: code", "reflect", reflectCode},
			{"kept for reflection: pcln", "reflect", reflectPcln}, {"data", "data", p.Data}, {"symtab", "symtab", p.Debug}} {
			if k.size > 0 {
				pn.Children = append(pn.Children, &treeNode{Name: k.name, Kind: k.kind, Size: k.size})
			}
		}
		mod.Children = append(mod.Children, pn)
	}
	if len(r.Buckets) > 0 {
		other := &treeNode{Name: "not in a package", Kind: "module"}
		for _, b := range r.Buckets {
			other.Children = append(other.Children, &treeNode{Name: b.Name, Kind: b.Kind, Size: b.Size})
		}
		root.Children = append(root.Children, other)
	}
	sum(root)
	return root
}

// sum sets every inner node's size to the sum of its children's and drops
// empty nodes.
func sum(n *treeNode) int64 {
	if len(n.Children) == 0 {
		return n.Size
	}
	var total int64
	kept := n.Children[:0]
	for _, c := range n.Children {
		if s := sum(c); s > 0 {
			total += s
			kept = append(kept, c)
		}
	}
	n.Children = kept
	if n.Kind != "file" || n.Size == 0 {
		n.Size = total
	}
	return n.Size
}
