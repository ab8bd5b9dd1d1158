package lint

import (
	"strings"
)

// command is one simple shell command: its words with quotes removed and
// the variables assigned for it (prefix assignments and earlier exports).
type command struct {
	args []string
	env  map[string]string
}

// splitShell splits a shell script into simple commands. It knows quotes,
// backslashes, comments, the operators ; & && | || and newlines, and keeps
// $(...) and `...` inside their word; it expands nothing. It is meant for
// finding commands such as go build and chmod, not for running scripts.
func splitShell(script string) []command {
	var (
		out      []command
		words    []string
		word     strings.Builder
		inWord   bool
		exported = map[string]string{}
	)
	endWord := func() {
		if inWord {
			words = append(words, word.String())
			word.Reset()
			inWord = false
		}
	}
	endCmd := func() {
		endWord()
		if len(words) > 0 {
			out = append(out, makeCommand(words, exported))
		}
		words = nil
	}
	rs := []rune(script)
	for i := 0; i < len(rs); i++ {
		c := rs[i]
		switch {
		case c == '\\' && i+1 < len(rs):
			i++
			if rs[i] != '\n' {
				word.WriteRune(rs[i])
				inWord = true
			}
		case c == '\'':
			inWord = true
			for i++; i < len(rs) && rs[i] != '\''; i++ {
				word.WriteRune(rs[i])
			}
		case c == '"':
			inWord = true
			for i++; i < len(rs) && rs[i] != '"'; i++ {
				if rs[i] == '\\' && i+1 < len(rs) && strings.ContainsRune("\"\\$`", rs[i+1]) {
					i++
				}
				word.WriteRune(rs[i])
			}
		case c == '$' && i+1 < len(rs) && rs[i+1] == '(':
			inWord = true
			depth := 0
			for ; i < len(rs); i++ {
				word.WriteRune(rs[i])
				if rs[i] == '(' {
					depth++
				} else if rs[i] == ')' {
					depth--
					if depth == 0 {
						break
					}
				}
			}
		case c == '`':
			inWord = true
			word.WriteRune(c)
			for i++; i < len(rs) && rs[i] != '`'; i++ {
				word.WriteRune(rs[i])
			}
			word.WriteRune('`')
		case c == '#' && !inWord:
			for i < len(rs) && rs[i] != '\n' {
				i++
			}
			endCmd()
		case c == ';' || c == '&' || c == '|' || c == '\n' || c == '(' || c == ')':
			endCmd()
		case c == ' ' || c == '\t' || c == '\r':
			endWord()
		default:
			word.WriteRune(c)
			inWord = true
		}
	}
	endCmd()
	return out
}

// makeCommand separates prefix assignments from the words and records
// what export assigns for the commands after it.
func makeCommand(words []string, exported map[string]string) command {
	env := map[string]string{}
	for k, v := range exported {
		env[k] = v
	}
	i := 0
	for i < len(words) {
		w := words[i]
		if k, v, ok := strings.Cut(w, "="); ok && isName(k) {
			env[k] = v
			i++
			continue
		}
		if w == "env" || w == "exec" || w == "time" || w == "sudo" || w == "nice" {
			i++
			for i < len(words) && strings.HasPrefix(words[i], "-") {
				i++
			}
			continue
		}
		break
	}
	args := words[i:]
	if len(args) > 0 && (args[0] == "export" || args[0] == "declare" && len(args) > 1 && args[1] == "-x") {
		for _, a := range args[1:] {
			if k, v, ok := strings.Cut(a, "="); ok && isName(k) {
				exported[k] = v
			}
		}
	}
	return command{args: args, env: env}
}

// isName reports whether s is a shell variable name.
func isName(s string) bool {
	if s == "" {
		return false
	}
	for i, r := range s {
		if r != '_' && (r < 'A' || r > 'Z') && (r < 'a' || r > 'z') && (i == 0 || r < '0' || r > '9') {
			return false
		}
	}
	return true
}

// base returns the last element of a command path: "/usr/local/go/bin/go"
// is "go".
func base(name string) string {
	if i := strings.LastIndexByte(name, '/'); i >= 0 {
		return name[i+1:]
	}
	return name
}
