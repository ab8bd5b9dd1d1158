package dockerfile

import (
	"github.com/moby/buildkit/frontend/dockerfile/shell"
)

// Expand returns word with quotes removed and $VAR, ${VAR} and their
// ${VAR:-default} forms replaced from env, as BuildKit expands the words
// of ADD, COPY, ENV, FROM, LABEL, USER and WORKDIR with the file's escape
// character. It reports false when word names a variable env does not
// set (the result then holds the default or nothing in its place), and
// returns word unchanged with false when word does not parse.
func (f *File) Expand(word string, env map[string]string) (string, bool) {
	lex := shell.NewLex(f.Escape)
	kv := make([]string, 0, len(env))
	for k, v := range env {
		kv = append(kv, k+"="+v)
	}
	res, err := lex.ProcessWordWithMatches(word, shell.EnvsFromSlice(kv))
	if err != nil {
		return word, false
	}
	return res.Result, len(res.Unmatched) == 0
}
