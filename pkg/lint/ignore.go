package lint

import (
	"fmt"
	"strings"

	"github.com/leve-build/leve/pkg/dockerfile"
)

// ignorePrefix starts a comment that silences rules.
const ignorePrefix = "leve-lint ignore="

// ignoreSet holds the rules silenced for the whole file and per
// instruction line.
type ignoreSet struct {
	file  map[string]bool
	lines map[int]map[string]bool
}

func (s ignoreSet) silenced(rule string, line int) bool {
	return s.file[rule] || s.lines[line][rule]
}

// ignores reads the "# leve-lint ignore=ID[,ID...]" comments of f: those
// before the first instruction apply to the whole file, the others to the
// instruction right after their comment block.
func ignores(f *dockerfile.File) (ignoreSet, []string) {
	s := ignoreSet{file: map[string]bool{}, lines: map[int]map[string]bool{}}
	var notes []string
	starts := map[int]bool{}
	inside := map[int]bool{} // continuation and heredoc lines
	first := 0
	for _, in := range instructions(f) {
		starts[in.Line] = true
		for l := in.Line + 1; l <= in.EndLine; l++ {
			inside[l] = true
		}
		if first == 0 || in.Line < first {
			first = in.Line
		}
	}
	var pending []string // IDs waiting for the next instruction
	for i, l := range f.Lines {
		n := i + 1
		t := strings.TrimSpace(l)
		switch {
		case inside[n]:
		case starts[n]:
			if len(pending) > 0 {
				if s.lines[n] == nil {
					s.lines[n] = map[string]bool{}
				}
				for _, id := range pending {
					s.lines[n][id] = true
				}
			}
			pending = nil
		case strings.HasPrefix(t, "#"):
			body := strings.TrimSpace(strings.TrimPrefix(t, "#"))
			rest, ok := strings.CutPrefix(body, ignorePrefix)
			if !ok {
				continue
			}
			for _, id := range strings.FieldsFunc(rest, func(r rune) bool { return r == ',' || r == ' ' }) {
				if _, known := ruleByID[id]; !known {
					notes = append(notes, fmt.Sprintf("line %d: leve-lint ignore names no rule %q; the rules are %s", n, id, ruleIDs()))
					continue
				}
				if n < first {
					s.file[id] = true
				} else {
					pending = append(pending, id)
				}
			}
		case t == "":
			if n > first {
				pending = nil
			}
		}
	}
	return s, notes
}

// instructions lists every instruction of f, FROMs included.
func instructions(f *dockerfile.File) []dockerfile.Instruction {
	out := append([]dockerfile.Instruction(nil), f.MetaArgs...)
	for _, st := range f.Stages {
		out = append(out, st.From)
		out = append(out, st.Instructions...)
	}
	return out
}

// ruleIDs lists the IDs of the rules, in their order, for a note.
func ruleIDs() string {
	ids := make([]string, len(rules))
	for i, r := range rules {
		ids[i] = r.ID
	}
	return strings.Join(ids, ", ")
}
