package report

import (
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"github.com/leve-build/leve/pkg/exe"
)

// AnalyzeOptions says what an analysis report shows.
type AnalyzeOptions struct {
	// Top is how many packages the package table lists; 0 lists all.
	Top int
	// Notes are printed under the header: how the analysed executable was
	// obtained (built from a package, unpacked from a packed file).
	Notes []string
}

// Analyze writes the report of one executable as aligned text: a header,
// the heaviest packages with their code, pcln and data bytes, the modules,
// the sections, the bytes owned by no package, the coverage line, the
// run-time needs with their evidence and the suggestions with their
// estimated savings.
func Analyze(w io.Writer, r *exe.Report, o AnalyzeOptions) error {
	var b strings.Builder
	analyzeHeader(&b, r, o.Notes)
	analyzePackages(&b, r, o.Top)
	analyzeModules(&b, r)
	analyzeSections(&b, r)
	analyzeBuckets(&b, r)
	fmt.Fprintf(&b, "\n%s\n", CoverageLine(r))
	analyzeNeeds(&b, r)
	analyzeMethodDeadCode(&b, r)
	analyzeWhy(&b, r, o.Top)
	analyzeSuggestions(&b, r)
	_, err := io.WriteString(w, b.String())
	return err
}

// CoverageLine sums up how much of the file is attributed to a named
// package or module, and where the rest is: "attributed 98.1 %, shared
// 197.2 KB, metadata 86.0 KB, unattributed 14.1 KB in .gopclntab".
func CoverageLine(r *exe.Report) string {
	c := r.Coverage
	var un []string
	for _, bk := range r.Buckets {
		if bk.Kind == "unattributed" && bk.Size > 0 {
			un = append(un, Bytes(bk.Size)+" in "+bk.Name)
		}
	}
	if len(un) == 0 {
		un = []string{"0 B"}
	}
	return fmt.Sprintf("coverage: attributed %.1f %% (packages %s, modules %s), shared %s, metadata %s, unattributed %s",
		100*c.Attributed(), Bytes(c.Packages), Bytes(c.Modules),
		Bytes(c.Shared), Bytes(c.Metadata), strings.Join(un, ", "))
}

func analyzeHeader(b *strings.Builder, r *exe.Report, notes []string) {
	name := filepath.Base(r.Path)
	if r.Path == "" {
		name = "(unnamed)"
	}
	linking := r.Linking.String()
	if r.Linking.Cgo {
		linking += ", cgo"
	}
	strip := "stripped"
	switch {
	case r.Strip.Symtab && r.Strip.DWARF:
		strip = "symbols and DWARF"
	case r.Strip.Symtab:
		strip = "symbols, no DWARF"
	case r.Strip.DWARF:
		strip = "DWARF, no symbols"
	}
	fmt.Fprintf(b, "%s  %s %s/%s  %s (%s B)  %s, %s\n", name, r.GoVersion, r.GOOS, r.GOARCH,
		Bytes(r.Size), thousands(r.Size), linking, strip)
	main := r.Main.Path
	if main == "" {
		main = "(none)"
	}
	if r.Main.Version != "" {
		main += " " + r.Main.Version
	}
	deps := fmt.Sprintf("%d dependencies", len(r.Deps))
	if len(r.Deps) == 1 {
		deps = "1 dependency"
	}
	fmt.Fprintf(b, "main module %s, %s\n", main, deps)
	for _, n := range notes {
		fmt.Fprintf(b, "note: %s\n", n)
	}
}

func analyzePackages(b *strings.Builder, r *exe.Report, top int) {
	shown := r.Packages
	if top > 0 && len(shown) > top {
		shown = shown[:top]
	}
	var all, rest exe.PackageSize
	for i, p := range r.Packages {
		addPackage(&all, p)
		if i >= len(shown) {
			addPackage(&rest, p)
		}
	}
	// The debug column (symbol table entries) appears only when there are any.
	debug := all.Debug > 0
	head := []string{fmt.Sprintf("packages (top %d of %d)", len(shown), len(r.Packages)), "code", "pcln", "data"}
	if debug {
		head = append(head, "symtab")
	}
	t := table{head: append(head, "total", "share")}
	row := func(name string, p exe.PackageSize) {
		cells := []string{name, Bytes(p.Code), Bytes(p.Pcln), Bytes(p.Data)}
		if debug {
			cells = append(cells, Bytes(p.Debug))
		}
		t.add(append(cells, Bytes(p.Total), share(p.Total, r.Size))...)
	}
	for _, p := range shown {
		row(p.Path, p)
	}
	if n := len(r.Packages) - len(shown); n > 0 {
		row(fmt.Sprintf("%d other packages", n), rest)
	}
	t.rule()
	row("all packages", all)
	t.write(b)
}

func addPackage(sum *exe.PackageSize, p exe.PackageSize) {
	sum.Code += p.Code
	sum.Pcln += p.Pcln
	sum.Data += p.Data
	sum.Debug += p.Debug
	sum.Total += p.Total
}

func analyzeModules(b *strings.Builder, r *exe.Report) {
	t := table{head: []string{"modules", "version", "packages", "shared", "total", "share"}, align: "llrrrr"}
	for _, m := range r.Modules {
		t.add(m.Path, orDash(m.Version), fmt.Sprint(m.Packages), Bytes(m.Shared), Bytes(m.Total), share(m.Total, r.Size))
	}
	t.write(b)
}

func analyzeSections(b *strings.Builder, r *exe.Report) {
	t := table{head: []string{"sections", "type", "flags", "file size", "share", "memory"}, align: "lllrrr"}
	for _, s := range r.Sections {
		mem := ""
		if s.MemSize != s.FileSize && s.MemSize > 0 {
			mem = Bytes(s.MemSize)
		}
		if s.FileSize == 0 && s.MemSize > 0 {
			mem += " (no file bytes)"
		}
		name := s.Name
		if s.Compressed {
			name += " (compressed)"
		}
		size, pct := Bytes(s.FileSize), share(s.FileSize, r.Size)
		if s.FileSize == 0 {
			size, pct = "-", "-"
		}
		t.add(name, s.Type, orDash(s.Flags), size, pct, mem)
	}
	t.write(b)
}

func analyzeBuckets(b *strings.Builder, r *exe.Report) {
	if len(r.Buckets) == 0 {
		return
	}
	t := table{head: []string{"not in a package", "kind", "size", "share"}, align: "llrr"}
	for _, bk := range r.Buckets {
		t.add(bk.Name, bk.Kind, Bytes(bk.Size), share(bk.Size, r.Size))
	}
	t.write(b)
}

func analyzeNeeds(b *strings.Builder, r *exe.Report) {
	if len(r.Needs) == 0 {
		b.WriteString("\nneeds at run time: nothing beyond the kernel\n")
		return
	}
	b.WriteString("\nneeds at run time\n")
	for _, n := range r.Needs {
		fmt.Fprintf(b, "  %-17s %s\n", n.Kind, orDash(strings.Join(n.Files, ", ")))
		if n.Detail != "" {
			fmt.Fprintf(b, "  %-17s %s\n", "", n.Detail)
		}
		fmt.Fprintf(b, "  %-17s evidence: %s\n", "", strings.Join(n.Evidence, "; "))
	}
}

func analyzeSuggestions(b *strings.Builder, r *exe.Report) {
	if len(r.Suggestions) == 0 {
		b.WriteString("\nsuggestions: none\n")
		return
	}
	t := table{head: []string{"suggestions", "saves", "how"}, align: "lrl"}
	for _, s := range r.Suggestions {
		saving := "?"
		if s.Saving > 0 {
			saving = "~" + Bytes(s.Saving)
		}
		t.add(s.Kind, saving, s.Detail)
	}
	t.write(b)
}

// share formats part as a percentage of whole: "12.3%".
func share(part, whole int64) string {
	if whole == 0 {
		return "-"
	}
	return fmt.Sprintf("%.1f%%", 100*float64(part)/float64(whole))
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
