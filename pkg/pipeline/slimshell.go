package pipeline

import (
	"fmt"
	"path"
	"strings"
)

// shells are the programs whose "-c SCRIPT" form slim turns into exec form.
var shells = map[string]bool{"sh": true, "ash": true, "dash": true, "bash": true}

// shellScript returns the script of argv when argv runs a shell with -c
// ("/bin/sh -c SCRIPT", Docker's shell form), and ok false otherwise.
func shellScript(argv []string) (script string, extra []string, ok bool) {
	if len(argv) >= 3 && shells[path.Base(argv[0])] && argv[1] == "-c" {
		return argv[2], argv[3:], true
	}
	return "", nil, false
}

// shellFeatures are the characters that make a script need a shell, with
// what they mean for the message.
var shellFeatures = []struct{ chars, what string }{
	{"|", "a pipe (|)"},
	{"&", "&& or a background job (&)"},
	{";", "a command list (;)"},
	{"<>", "a redirection (< or >)"},
	{"$`", "a variable or command substitution ($, `)"},
	{"*?[", "globbing (*, ? or [)"},
	{"(){}", "a subshell or group ((, ), {, })"},
	{"~", "tilde expansion (~)"},
	{"#", "a comment (#)"},
	{"\\", "a backslash escape (\\)"},
	{"\n", "several lines"},
}

// splitShell turns a shell-form command into the equivalent exec form: the
// words of a simple command, quotes removed, a leading "exec" dropped. It
// refuses, naming the feature, a script that needs a shell to mean what it
// says.
func splitShell(script string) ([]string, error) {
	var words []string
	var cur strings.Builder
	inWord := false
	quote := byte(0)
	for i := 0; i < len(script); i++ {
		c := script[i]
		if quote != 0 {
			if c == quote {
				quote = 0
				continue
			}
			if quote == '"' && strings.IndexByte("$`\\", c) >= 0 {
				return nil, fmt.Errorf("it needs a shell: %q uses a variable, substitution or escape inside double quotes", script)
			}
			cur.WriteByte(c)
			continue
		}
		switch c {
		case '\'', '"':
			quote, inWord = c, true
			continue
		case ' ', '\t':
			if inWord {
				words = append(words, cur.String())
				cur.Reset()
				inWord = false
			}
			continue
		}
		for _, f := range shellFeatures {
			if strings.IndexByte(f.chars, c) >= 0 {
				return nil, fmt.Errorf("it needs a shell: %q uses %s", script, f.what)
			}
		}
		cur.WriteByte(c)
		inWord = true
	}
	if quote != 0 {
		return nil, fmt.Errorf("it needs a shell: %q has an unterminated quote", script)
	}
	if inWord {
		words = append(words, cur.String())
	}
	if len(words) > 0 && words[0] == "exec" {
		words = words[1:]
	}
	if len(words) == 0 {
		return nil, fmt.Errorf("the shell-form command %q runs nothing", script)
	}
	if strings.Contains(words[0], "=") {
		return nil, fmt.Errorf("it needs a shell: %q sets a variable (%s) for the command", script, words[0])
	}
	return words, nil
}
