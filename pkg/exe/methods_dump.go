package exe

// A DepDump is the linker's dependency dump (go build -ldflags=-dumpdep),
// as pkg/compile reads it.
type DepDump interface {
	// ReflectMethods returns the symbols marked <ReflectMethod>.
	ReflectMethods() []string
	// Chain returns the symbols from main.main to sym through which the
	// linker reached it, and whether every edge exists whatever the
	// reflect decision.
	Chain(sym string) (chain []string, certain bool)
}

// ApplyDumpDep replaces the causes of the disabled method dead-code
// elimination found in the call graph with the linker's own: every
// function marked <ReflectMethod> reached by a certain chain is a cause;
// the others are counted as "may also disable it". The suggestion is
// updated.
func (r *Report) ApplyDumpDep(d DepDump) {
	m := r.MethodDeadCode
	if m == nil || d == nil {
		return
	}
	calls := map[string]string{}
	for _, c := range m.Causes {
		calls[c.Function] = c.Calls
	}
	m.Causes, m.MayAlsoCallers, m.MayAlso = nil, nil, 0
	for _, sym := range d.ReflectMethods() {
		chain, certain := d.Chain(sym)
		if !certain || len(chain) == 0 {
			m.MayAlso++
			if len(m.MayAlsoCallers) < maxMayAlso {
				m.MayAlsoCallers = append(m.MayAlsoCallers, sym)
			}
			continue
		}
		c := ReflectCause{Function: sym, Calls: calls[sym], Chain: chain, Certain: true, Source: SourceDumpDep}
		if c.Calls != "" {
			c.Chain = append(c.Chain, c.Calls)
		}
		c.Packages = chainPackages(c.Chain)
		m.Causes = append(m.Causes, c)
	}
	if len(m.Causes) > 0 {
		// The linker saw a reachable reflect caller: it kept the methods.
		m.Disabled = true
	}
	sortCauses(m.Causes)
	for i, s := range r.Suggestions {
		if s.Kind == SuggestReflect && m.EstimatedCost != nil {
			r.Suggestions[i].Detail = MethodDeadCodeText(m)
		}
	}
}
