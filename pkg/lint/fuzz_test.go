package lint

import (
	"context"
	"testing"
)

// FuzzLint checks that no Dockerfile makes a rule panic and that every
// finding points at a line of the file.
func FuzzLint(f *testing.F) {
	for _, s := range []string{
		"FROM golang AS exec\nCOPY app.go /go/src/app/\nENV GO111MODULE=auto\nWORKDIR /go/src/app\nRUN go build -o app.go .\nFROM alpine\nWORKDIR /appexec\nCOPY --from=exec /go/src/app/ /appexec\nRUN chmod -R 755 /appexec\nENTRYPOINT ./app.go\n",
		"ARG B=scratch\nFROM $B\nCOPY --from=0 / /\nUSER root\n",
		"FROM a AS b\nFROM b\nRUN <<EOF\nchmod 1 /x\nEOF\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		r, err := Lint(context.Background(), src, Options{})
		if err != nil {
			return
		}
		for _, fd := range r.Findings {
			if fd.Line < 1 || fd.EndLine < fd.Line {
				t.Fatalf("finding %+v has no line", fd)
			}
		}
	})
}
