package pipeline

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
)

// fakeBuild returns REPO/NAME@sha256:… for an import path and counts the
// calls per path.
type fakeBuild struct {
	mu    sync.Mutex
	calls map[string]int
}

func (f *fakeBuild) build(_ context.Context, ip string) (string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.calls == nil {
		f.calls = map[string]int{}
	}
	f.calls[ip]++
	name := ip[strings.LastIndex(ip, "/")+1:]
	return "127.0.0.1:5000/apps/" + name + "@sha256:" + strings.Repeat(name[:1], 64), nil
}

func digestOf(c string) string { return "@sha256:" + strings.Repeat(c, 64) }

func TestResolveReferencesSplices(t *testing.T) {
	in := "\xef\xbb\xbf# leve://example.com/m/cmd/comment stays: a comment\r\n" +
		"image: leve://example.com/m/cmd/api # leve://example.com/m/cmd/trailing\r\n" +
		"quoted: 'leve://example.com/m/cmd/api'\r\n" +
		"double: \"leve://example.com/m/cmd/db\"\r\n" +
		"---\n" +
		"naïve: &anchor leve://example.com/m/cmd/db\n" +
		"alias: *anchor\n" +
		"tagged: !!str leve://example.com/m/cmd/api\n" +
		"flow: [leve://example.com/m/cmd/api, \"leve://example.com/m/cmd/db\", {k: leve://example.com/m/cmd/api}]\n" +
		"leve://example.com/m/cmd/key: a key is not resolved\n" +
		"args: [\"--image=leve://example.com/m/cmd/api\", 'leve://example.com/m/cmd/api --v']\n" +
		"list:\n  - leve://example.com/m/cmd/api\n  -   leve://example.com/m/cmd/db\n"
	want := strings.NewReplacer(
		"image: leve://example.com/m/cmd/api", "image: 127.0.0.1:5000/apps/api"+digestOf("a"),
		"'leve://example.com/m/cmd/api'", "'127.0.0.1:5000/apps/api"+digestOf("a")+"'",
		"\"leve://example.com/m/cmd/db\"", "\"127.0.0.1:5000/apps/db"+digestOf("d")+"\"",
		"&anchor leve://example.com/m/cmd/db", "&anchor 127.0.0.1:5000/apps/db"+digestOf("d"),
		"!!str leve://example.com/m/cmd/api", "!!str 127.0.0.1:5000/apps/api"+digestOf("a"),
		"[leve://example.com/m/cmd/api,", "[127.0.0.1:5000/apps/api"+digestOf("a")+",",
		"{k: leve://example.com/m/cmd/api}", "{k: 127.0.0.1:5000/apps/api"+digestOf("a")+"}",
		"  - leve://example.com/m/cmd/api", "  - 127.0.0.1:5000/apps/api"+digestOf("a"),
		"  -   leve://example.com/m/cmd/db", "  -   127.0.0.1:5000/apps/db"+digestOf("d"),
	).Replace(in)
	var f fakeBuild
	out, warnings, err := ResolveReferences(context.Background(), []Document{{Name: "k8s.yaml", Data: []byte(in)}}, 4, f.build)
	if err != nil {
		t.Fatal(err)
	}
	if string(out[0]) != want {
		t.Errorf("resolved:\n%s\nwant:\n%s", out[0], want)
	}
	if !strings.Contains(string(out[0]), "# leve://example.com/m/cmd/comment stays") || !strings.Contains(string(out[0]), "# leve://example.com/m/cmd/trailing") {
		t.Errorf("comments changed:\n%s", out[0])
	}
	if len(f.calls) != 2 || f.calls["example.com/m/cmd/api"] != 1 || f.calls["example.com/m/cmd/db"] != 1 {
		t.Errorf("builds %v, want api and db once each (comments, keys and longer strings are not built)", f.calls)
	}
	if len(warnings) != 3 || !strings.HasPrefix(warnings[0], "k8s.yaml:10: leve://example.com/m/cmd/key is a mapping key") ||
		!strings.HasPrefix(warnings[1], "k8s.yaml:11: leve://example.com/m/cmd/api inside a longer value") || !strings.HasPrefix(warnings[2], "k8s.yaml:11: leve://example.com/m/cmd/api inside a longer value") {
		t.Errorf("warnings %q, want the mapping key on line 10 and the longer string on line 11", warnings)
	}
}

func TestResolveReferencesRefuses(t *testing.T) {
	for _, c := range []struct {
		doc, want string
		sentinel  error
	}{
		{"a: 1\nimage: leve://example.com/m/cmd/api:v1\n", "k8s.yaml:2: bad leve:// reference: leve://example.com/m/cmd/api:v1 has a tag or digest after the path: leve sets it; write leve://example.com/m/cmd/api", ErrBadReference},
		{"image: \"leve://example.com/m/cmd/api@sha256:" + strings.Repeat("0", 64) + "\"\n", "k8s.yaml:1: bad leve:// reference: leve://example.com/m/cmd/api@sha256:", ErrBadReference},
		{"---\nimage: leve://../..\n", "k8s.yaml:2: bad leve:// reference: leve://../.. is a filesystem path", ErrBadReference},
		{"image: leve:///abs/cmd\n", "k8s.yaml:1: bad leve:// reference: leve:///abs/cmd is a filesystem path", ErrBadReference},
		{"x: [1]\nimage: leve://./cmd/api\n", "k8s.yaml:2: bad leve:// reference: leve://./cmd/api is a filesystem path", ErrBadReference},
		{"image: leve://example.com/m/../x\n", "k8s.yaml:1: bad leve:// reference: leve://example.com/m/../x is a filesystem path", ErrBadReference},
		{"image: leve://example.com/a\\b\n", "k8s.yaml:1: bad leve:// reference: leve://example.com/a\\b is not a Go import path (invalid char '\\\\')", ErrBadReference},
		{"image: 'leve://example.com/a '\n", "k8s.yaml:1: bad leve:// reference: leve://example.com/a  is not a Go import path", ErrBadReference},
		{"image: leve://\n", "k8s.yaml:1: bad leve:// reference: leve:// names no package", ErrBadReference},
		{"image: |-\n  leve://example.com/m/cmd/api\n", "k8s.yaml:1: bad leve:// reference: write leve://example.com/m/cmd/api as a plain or quoted string on one line", ErrBadReference},
		{"image: \"leve://example.com/m/cmd/\\x61pi\"\n", "k8s.yaml:1: bad leve:// reference: write leve://example.com/m/cmd/api as a plain or quoted string on one line", ErrBadReference},
		{"a: b\nimage: leve://example.com/m/cmd/api\n c: d\n", "k8s.yaml:3: malformed YAML: mapping values are not allowed in this context", ErrMalformedYAML},
		{"a: &x 1\r\nb: *y\r\n", "k8s.yaml:2: malformed YAML: unknown anchor 'y' referenced", ErrMalformedYAML},
		{"a: 'leve://example.com/m/cmd/api\n", "k8s.yaml:2: malformed YAML: found unexpected end of stream", ErrMalformedYAML},
		{"@a: 1\n", "k8s.yaml:1: malformed YAML: found character that cannot start any token", ErrMalformedYAML},
		{"image: [leve://example.com/m/cmd/api\n", "k8s.yaml:2: malformed YAML: did not find expected ',' or ']'", ErrMalformedYAML},
	} {
		var f fakeBuild
		docs := []Document{{Name: "ok.yaml", Data: []byte("image: leve://example.com/m/cmd/ok\n")}, {Name: "k8s.yaml", Data: []byte(c.doc)}}
		_, _, err := ResolveReferences(context.Background(), docs, 1, f.build)
		if err == nil || !strings.HasPrefix(err.Error(), c.want) || !errors.Is(err, c.sentinel) || strings.Contains(err.Error(), "\n") {
			t.Errorf("resolve %q: %v\nwant one line starting %q (%v)", c.doc, err, c.want, c.sentinel)
		}
		if len(f.calls) != 0 {
			t.Errorf("resolve %q built %v before refusing", c.doc, f.calls)
		}
	}
}

func TestResolveReferencesListsEveryBadReference(t *testing.T) {
	doc := "a: leve://x.com/a:v1\nb: leve://../b\nc: leve://x.com/ok\n"
	_, _, err := ResolveReferences(context.Background(), []Document{{Name: "d.yaml", Data: []byte(doc)}}, 1, (&fakeBuild{}).build)
	if err == nil || !strings.Contains(err.Error(), "d.yaml:1: ") || !strings.Contains(err.Error(), "d.yaml:2: ") || strings.Count(err.Error(), "\n") != 1 {
		t.Errorf("two bad references: %v\nwant one line for each", err)
	}
}

func TestResolveReferencesBuildError(t *testing.T) {
	boom := errors.New("boom")
	_, _, err := ResolveReferences(context.Background(), []Document{{Name: "d.yaml", Data: []byte("a: leve://x.com/a\n")}}, 1,
		func(context.Context, string) (string, error) { return "", boom })
	if !errors.Is(err, boom) {
		t.Errorf("a failed build gives %v, want it", err)
	}
}

func TestSpliceChecksTheResult(t *testing.T) {
	refs, _, err := References(Document{Name: "d", Data: []byte("a: [leve://x.com/a]\n")})
	if err != nil || len(refs) != 1 {
		t.Fatal(refs, err)
	}
	// A replacement that would change the flow sequence is caught.
	if _, err := Splice([]byte("a: [leve://x.com/a]\n"), refs, map[string]string{"x.com/a": "r, extra"}); err == nil {
		t.Error("a replacement that changes the YAML's structure was spliced")
	}
	out, err := Splice([]byte("a: [leve://x.com/a]\n"), refs, map[string]string{"x.com/a": "r/a" + digestOf("1")})
	if err != nil || string(out) != fmt.Sprintf("a: [r/a%s]\n", digestOf("1")) {
		t.Errorf("splice = %q, %v", out, err)
	}
}
