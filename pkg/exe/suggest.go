package exe

import (
	"fmt"
)

// heavyPackages is how many of the largest packages are suggested.
const heavyPackages = 3

// suggestions lists ways to make the executable smaller, largest saving
// first within each kind. The packer adds a [SuggestPack] estimate.
func suggestions(r *Report) []Suggestion {
	var out []Suggestion
	if r.Strip.DWARF {
		out = append(out, Suggestion{Kind: SuggestDWARF, Saving: r.Strip.DWARFSize,
			Detail: fmt.Sprintf("drop DWARF with -ldflags=-w (or leve's default strip): saves %s", FormatSize(r.Strip.DWARFSize))})
	}
	if r.Strip.Symtab {
		out = append(out, Suggestion{Kind: SuggestStrip, Saving: r.Strip.SymtabSize,
			Detail: fmt.Sprintf("drop the symbol table with -ldflags=-s: saves %s", FormatSize(r.Strip.SymtabSize))})
	}
	if !r.Linking.Static {
		out = append(out, Suggestion{Kind: SuggestCgo,
			Detail: "build with CGO_ENABLED=0 for a static binary that runs on scratch"})
	}
	for i, p := range r.Packages {
		if i == heavyPackages {
			break
		}
		if p.Path == "runtime" || p.Module == moduleStd && (p.Path == "internal/runtime/maps" || p.Path == "sync") {
			continue
		}
		out = append(out, Suggestion{Kind: SuggestPackage, Saving: p.Total,
			Detail: fmt.Sprintf("%s weighs %s (code %s, pcln %s, data %s); dropping its last import saves up to that",
				p.Path, FormatSize(p.Total), FormatSize(p.Code), FormatSize(p.Pcln), FormatSize(p.Data))})
	}
	return out
}
