package report

import (
	"fmt"
	"io"
	"strings"

	"github.com/leve-build/leve/pkg/exe"
)

// DiffOptions says what a comparison report shows.
type DiffOptions struct {
	// OldName and NewName name the two sides, as given on the command line.
	OldName, NewName string
	// Top is how many changed entries each table lists; 0 lists all.
	Top int
}

// AnalyzeDiff writes the comparison of two executables as aligned text:
// both file sizes and the change, then the packages, modules and sections
// that changed, biggest absolute change first, each table ending with the
// entries left out and the totals of both sides.
func AnalyzeDiff(w io.Writer, old, new *exe.Report, o DiffOptions) error {
	c := exe.Compare(old, new)
	var b strings.Builder
	oldName, newName := orDash(o.OldName), orDash(o.NewName)
	width := max(len(oldName), len(newName))
	fmt.Fprintf(&b, "old  %-*s  %9s  (%s B)  %s %s/%s\n", width, oldName, Bytes(c.Old), thousands(c.Old), old.GoVersion, old.GOOS, old.GOARCH)
	fmt.Fprintf(&b, "new  %-*s  %9s  (%s B)  %s %s/%s\n", width, newName, Bytes(c.New), thousands(c.New), new.GoVersion, new.GOOS, new.GOARCH)
	fmt.Fprintf(&b, "change %s (%s B, %s)\n", signed(c.Delta), signedThousands(c.Delta), growth(c.Old, c.New))
	diffMethodDeadCode(&b, c.MethodDeadCode)

	sum := func(r *exe.Report, kind string) int64 {
		var n int64
		switch kind {
		case "packages":
			for _, p := range r.Packages {
				n += p.Total
			}
		case "modules":
			for _, m := range r.Modules {
				n += m.Total
			}
		case "sections":
			for _, s := range r.Sections {
				n += s.FileSize
			}
		}
		return n
	}
	for _, list := range []struct {
		kind string
		ds   []exe.Delta
	}{{"packages", c.Packages}, {"modules", c.Modules}, {"sections", c.Sections}} {
		diffTable(&b, list.kind, list.ds, o.Top, sum(old, list.kind), sum(new, list.kind))
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// diffTable writes one table of deltas with a row for the entries beyond
// top and a total row.
func diffTable(b *strings.Builder, kind string, ds []exe.Delta, top int, oldTotal, newTotal int64) {
	if len(ds) == 0 {
		fmt.Fprintf(b, "\n%s: no change\n", kind)
		return
	}
	shown := ds
	if top > 0 && len(shown) > top {
		shown = shown[:top]
	}
	t := table{head: []string{fmt.Sprintf("%s changed (%d), by size of change", kind, len(ds)), "old", "new", "change", "", ""}, align: "lrrrrl"}
	for _, d := range shown {
		t.add(d.Name, sizeOrDash(d.Old), sizeOrDash(d.New), signed(d.Delta), growth(d.Old, d.New), status(d))
	}
	if rest := ds[len(shown):]; len(rest) > 0 {
		var o, n, dl int64
		for _, d := range rest {
			o, n, dl = o+d.Old, n+d.New, dl+d.Delta
		}
		t.add(fmt.Sprintf("%d more changed", len(rest)), Bytes(o), Bytes(n), signed(dl), growth(o, n))
	}
	t.rule()
	t.add("all "+kind, Bytes(oldTotal), Bytes(newTotal), signed(newTotal-oldTotal), growth(oldTotal, newTotal))
	t.write(b)
}

func status(d exe.Delta) string {
	switch {
	case d.Old == 0:
		return "added"
	case d.New == 0:
		return "removed"
	}
	return ""
}

func sizeOrDash(n int64) string {
	if n == 0 {
		return "-"
	}
	return Bytes(n)
}

// signed formats a size change with its sign: "+312.4 KB", "-8 B", "0 B".
func signed(n int64) string {
	if n > 0 {
		return "+" + Bytes(n)
	}
	return Bytes(n)
}

func signedThousands(n int64) string {
	if n > 0 {
		return "+" + thousands(n)
	}
	return thousands(n)
}

// growth formats the relative change from old to new: "+14.8%", "new".
func growth(old, new int64) string {
	if old == 0 {
		if new == 0 {
			return "0.0%"
		}
		return "new"
	}
	return fmt.Sprintf("%+.1f%%", 100*float64(new-old)/float64(old))
}

// diffMethodDeadCode says when the change turned the method dead-code
// elimination off or back on, with the chains of the side where it is off.
func diffMethodDeadCode(b *strings.Builder, m *exe.MethodDeadCodeChange) {
	if m == nil {
		return
	}
	cost := ""
	if m.EstimatedCost != nil {
		cost = fmt.Sprintf(", estimated cost %s (±%.0f %%)", Bytes(m.EstimatedCost.Bytes), 100*m.EstimatedCost.Error)
	}
	if m.NewDisabled {
		fmt.Fprintf(b, "method dead-code elimination: turned OFF by this change%s\n", cost)
	} else {
		saving := ""
		if m.EstimatedCost != nil {
			saving = fmt.Sprintf(", saving an estimated %s (±%.0f %%)", Bytes(m.EstimatedCost.Bytes), 100*m.EstimatedCost.Error)
		}
		fmt.Fprintf(b, "method dead-code elimination: turned back on by this change%s\n", saving)
	}
	for _, c := range m.Causes {
		chain := c.Chain
		if len(chain) == 0 {
			chain = []string{c.Function}
		}
		side := "new"
		if !m.NewDisabled {
			side = "old"
		}
		fmt.Fprintf(b, "  %s: %s\n", side, strings.Join(chain, arrow))
	}
}
