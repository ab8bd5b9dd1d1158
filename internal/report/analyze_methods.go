package report

import (
	"fmt"
	"strings"

	"github.com/leve-build/leve/pkg/exe"
)

// arrow joins the symbols of a chain.
const arrow = " → "

// MethodDeadCodeLine sums up the state of the method dead-code
// elimination in one line: "method dead-code elimination: off, …".
func MethodDeadCodeLine(m *exe.MethodDeadCode) string {
	if m == nil {
		return "method dead-code elimination: unknown (no type descriptors found)"
	}
	if !m.Disabled {
		return fmt.Sprintf("method dead-code elimination: on (the linker dropped %d exported methods of %d types with method tables)",
			m.ExportedDropped, m.Types)
	}
	s := fmt.Sprintf("method dead-code elimination: OFF (%d exported methods kept that only reflection can call", m.TableOnly)
	if c := m.EstimatedCost; c != nil {
		s += fmt.Sprintf("; estimated cost %s in %d functions, ±%.0f %%", Bytes(c.Bytes), c.Funcs, 100*c.Error)
	}
	return s + ")"
}

// analyzeMethodDeadCode writes the state of the elimination and, when it
// is off, one line per certain chain from main.main to the reflect call.
func analyzeMethodDeadCode(b *strings.Builder, r *exe.Report) {
	m := r.MethodDeadCode
	if m == nil {
		return // a saved result of an older leve
	}
	fmt.Fprintf(b, "\n%s\n", MethodDeadCodeLine(m))
	for _, c := range m.ConstantCallers {
		fmt.Fprintf(b, "  %s calls %s with a constant name: that keeps it on\n", c.Function, c.Calls)
	}
	if !m.Disabled {
		return
	}
	if len(m.Causes) == 0 {
		b.WriteString("  no reflect caller reached from main.main or a package initialiser by direct calls (it may be called through an interface, such as reflect.Type.Method, or a function value); analyze the package to read the linker's own chains\n")
	}
	var pkgs []string
	for _, c := range m.Causes {
		chain := c.Chain
		if len(chain) == 0 {
			chain = []string{c.Function}
		}
		fmt.Fprintf(b, "  %s  (%s)\n", strings.Join(chain, arrow), c.Source)
		for _, p := range c.Packages {
			if !contains(pkgs, p) {
				pkgs = append(pkgs, p)
			}
		}
	}
	if len(pkgs) > 0 {
		fmt.Fprintf(b, "  to turn it back on, change the use of reflection in %s (necessary, not sufficient)\n", strings.Join(pkgs, ", "))
	}
	if m.MayAlso > 0 {
		more := ""
		if n := m.MayAlso - len(m.MayAlsoCallers); n > 0 {
			more = fmt.Sprintf(" and %d more", n)
		}
		fmt.Fprintf(b, "  %d other reflect callers may also disable it: %s%s\n", m.MayAlso, strings.Join(m.MayAlsoCallers, ", "), more)
	}
}

// analyzeWhy writes, for the heaviest packages, the shortest import chain
// from the main package and the shortest call chain from main.main.
func analyzeWhy(b *strings.Builder, r *exe.Report, top int) {
	var rows []exe.PackageSize
	for _, p := range r.Packages {
		if len(p.CallChain) > 1 || len(p.ImportChain) > 1 {
			rows = append(rows, p)
		}
	}
	if len(rows) == 0 {
		return
	}
	if top > 0 && len(rows) > top {
		rows = rows[:top]
	}
	b.WriteString("\nwhy the heaviest packages are linked\n")
	for _, p := range rows {
		fmt.Fprintf(b, "  %s (%s)\n", p.Path, Bytes(p.Total))
		if len(p.ImportChain) > 1 {
			fmt.Fprintf(b, "    imports: %s\n", strings.Join(p.ImportChain, arrow))
		}
		if len(p.CallChain) > 1 {
			fmt.Fprintf(b, "    calls:   %s\n", strings.Join(p.CallChain, arrow))
		}
	}
}

func contains(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}
