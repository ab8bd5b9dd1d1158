package exe

import (
	"bytes"
	"fmt"
	"strings"
)

// heavyPackages is how many of the largest packages are suggested.
const heavyPackages = 3

// suggestions lists ways to make the executable smaller, largest saving
// first within each kind. The packer adds a [SuggestPack] estimate.
func suggestions(r *Report, trim int64) []Suggestion {
	var out []Suggestion
	if trim > 0 {
		out = append(out, Suggestion{Kind: SuggestTrimpath, Saving: trim,
			Detail: fmt.Sprintf("build with -trimpath: the source file names in the pclntab lose their directory prefixes, saving about %s and making the build reproducible", FormatSize(trim))})
	}
	if r.Strip.DWARF {
		out = append(out, Suggestion{Kind: SuggestDWARF, Saving: r.Strip.DWARFSize,
			Detail: fmt.Sprintf("drop DWARF with -ldflags=-w (or leve's default strip): saves %s", FormatSize(r.Strip.DWARFSize))})
	}
	if r.Strip.Symtab {
		out = append(out, Suggestion{Kind: SuggestStrip, Saving: r.Strip.SymtabSize,
			Detail: fmt.Sprintf("drop the symbol table with -ldflags=-s: saves %s", FormatSize(r.Strip.SymtabSize))})
	}
	switch {
	case r.Linking.PIEOnly():
		out = append(out, Suggestion{Kind: SuggestPIE,
			Detail: "build without -buildmode=pie (unset it in GOFLAGS, or GOFLAGS=) for a static binary that runs on scratch without the dynamic loader"})
	case !r.Linking.Static:
		out = append(out, Suggestion{Kind: SuggestCgo,
			Detail: "build with CGO_ENABLED=0 for a static binary that runs on scratch"})
	}
	if m := r.MethodDeadCode; m != nil && m.Disabled && m.EstimatedCost != nil {
		out = append(out, Suggestion{Kind: SuggestReflect, Saving: m.EstimatedCost.Bytes, Detail: MethodDeadCodeText(m)})
	}
	for i, p := range r.Packages {
		if i == heavyPackages {
			break
		}
		if p.Path == "runtime" || p.Module == moduleStd && (p.Path == "internal/runtime/maps" || p.Path == "sync") {
			continue
		}
		out = append(out, Suggestion{Kind: SuggestPackage, Saving: p.Total,
			Detail: fmt.Sprintf("%s weighs %s (code %s, pcln %s, data %s)%s; dropping its last use saves up to that",
				p.Path, FormatSize(p.Total), FormatSize(p.Code), FormatSize(p.Pcln), FormatSize(p.Data), usesText(p.UsedBy))})
	}
	return out
}

// trimpathSaving estimates what -trimpath saves when the build did not use
// it: the GOROOT and module cache prefixes of the pclntab file names.
func (a *analysis) trimpathSaving(r *Report) int64 {
	for _, s := range r.Settings {
		if s.Key == "-trimpath" && s.Value == "true" {
			return 0
		}
	}
	t := a.tab
	files := t.data[t.filetabOff:t.pctabOff]
	var saving int64
	for off := 0; off < len(files); {
		n := bytes.IndexByte(files[off:], 0)
		if n < 0 {
			break
		}
		name := files[off : off+n]
		switch {
		case bytes.Contains(name, []byte("/pkg/mod/")):
			saving += int64(bytes.Index(name, []byte("/pkg/mod/")) + len("/pkg/mod/"))
		case bytes.Contains(name, []byte("/src/")):
			saving += int64(bytes.Index(name, []byte("/src/")) + len("/src/"))
		}
		off += n + 1
	}
	return saving
}

// usesText describes the direct callers of a package.
func usesText(us []Use) string {
	if len(us) == 0 {
		return ""
	}
	var b strings.Builder
	b.WriteString("; called directly from ")
	for i, u := range us {
		if i > 0 {
			b.WriteString(", ")
		}
		sites := "call sites"
		if u.Calls == 1 {
			sites = "call site"
		}
		fmt.Fprintf(&b, "%s (%d %s, e.g. in %s)", u.Package, u.Calls, sites, u.Example)
	}
	return b.String()
}

// MethodDeadCodeText describes the disabled method dead-code elimination,
// what turned it off and what it costs, as one suggestion.
func MethodDeadCodeText(m *MethodDeadCode) string {
	var b strings.Builder
	c := m.EstimatedCost
	fmt.Fprintf(&b, "method dead-code elimination is off: %d exported methods are kept that only reflection can call, about %s in %d functions (±%.0f %%)",
		m.TableOnly, FormatSize(c.Bytes), c.Funcs, 100*c.Error)
	var fns []string
	for _, cause := range m.Causes {
		if cause.Calls != "" {
			fns = append(fns, cause.Function+" (calls "+cause.Calls+")")
		} else {
			fns = append(fns, cause.Function)
		}
	}
	if len(fns) > 0 {
		fmt.Fprintf(&b, "; change %s", strings.Join(fns, ", "))
	}
	if m.MayAlso > 0 {
		fmt.Fprintf(&b, "; %d other reflect callers may also disable it", m.MayAlso)
	}
	return b.String()
}
