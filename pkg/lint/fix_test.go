package lint

import (
	"context"
	"testing"
)

// TestFixNamesWhatToChange checks that the fixes of image and entrypoint
// findings name the image and the command of the Dockerfile, not an
// example.
func TestFixNamesWhatToChange(t *testing.T) {
	src := "FROM tonistiigi/xx:1.9.0 AS xx\nFROM golang AS build\nRUN CGO_ENABLED=0 go build -trimpath -ldflags='-s -w' -o /out/app .\n" +
		"FROM gcr.io/distroless/static-debian13\nCOPY --from=build /out/app /usr/local/bin/app\nENTRYPOINT /usr/local/bin/app --port 80\n"
	r, err := Lint(context.Background(), []byte(src), Options{})
	if err != nil {
		t.Fatal(err)
	}
	want := map[int]map[string]string{
		1: {"pin-digest": "add the digest: FROM tonistiigi/xx:1.9.0@sha256:<digest> (docker buildx imagetools inspect tonistiigi/xx:1.9.0 shows it)"},
		2: {"unpinned-base": "pin an exact version tag: FROM golang:<version>, e.g. golang:1.26.8-bookworm"},
		4: {"unpinned-base": "pin an exact version tag: FROM gcr.io/distroless/static-debian13:<version>"},
		6: {"shell-entrypoint": `use the exec form: ENTRYPOINT ["/usr/local/bin/app", "--port", "80"]`},
	}
	for _, f := range r.Findings {
		if w, ok := want[f.Line][f.Rule]; ok {
			if f.Fix != w {
				t.Errorf("line %d %s: fix %q, want %q", f.Line, f.Rule, f.Fix, w)
			}
			delete(want[f.Line], f.Rule)
		}
	}
	for line, m := range want {
		for rule := range m {
			t.Errorf("no %s finding at line %d", rule, line)
		}
	}
	// A script the shell interprets keeps the rule's own fix.
	r, err = Lint(context.Background(), []byte("FROM scratch\nCOPY app /app\nENTRYPOINT /app --port $PORT\n"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range r.Findings {
		if f.Rule == "shell-entrypoint" && f.Fix != ruleByID["shell-entrypoint"].Fix {
			t.Errorf("fix %q for a script with a variable, want the rule's", f.Fix)
		}
	}
}
