package pipeline

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

// FuzzResolveReferences feeds arbitrary bytes to resolve's YAML reader and
// splicer: no input may panic, and when references are found and spliced,
// the result differs from the input only where the references were.
func FuzzResolveReferences(f *testing.F) {
	for _, seed := range []string{
		"image: leve://example.com/m/cmd/api\n",
		"a: 'leve://example.com/m/x'\nb: \"leve://example.com/m/y\" # leve://example.com/c\n---\nc: [leve://example.com/m/x, 1]\n",
		"k: &a leve://example.com/m/x\nv: *a\nt: !!str leve://example.com/m/x\n",
		"image: leve://path:v1\n", "image: leve://../..\n", "a: [\n", "\xef\xbb\xbfa: b\r\n",
		"x: |\n  leve://example.com/m/x\n", "? leve://example.com/m/k\n: v\n",
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) > 1<<16 {
			return
		}
		doc := Document{Name: "fuzz.yaml", Data: data}
		refs, _, err := References(doc)
		if err != nil {
			// One line per bad reference, each naming the file and line.
			for _, l := range strings.Split(err.Error(), "\n") {
				if !strings.HasPrefix(l, "fuzz.yaml:") {
					t.Errorf("References error line %q does not start with the file and line", l)
				}
			}
			return
		}
		with := map[string]string{}
		for _, r := range refs {
			with[r.ImportPath] = "registry.test/x@sha256:" + strings.Repeat("a", 64)
		}
		out, _, err := ResolveReferences(context.Background(), []Document{doc}, 1, func(_ context.Context, ip string) (string, error) {
			return with[ip], nil
		})
		if err != nil {
			return // the splice's own check refused it
		}
		if len(refs) == 0 && !bytes.Equal(out[0], data) {
			t.Errorf("no references, yet the output changed:\n%q\n%q", data, out[0])
		}
		for _, r := range refs {
			if bytes.Contains(out[0], []byte("leve://"+r.ImportPath)) && bytes.Count(data, []byte("leve://"+r.ImportPath)) == 1 {
				t.Errorf("reference leve://%s at line %d was not replaced", r.ImportPath, r.Line)
			}
		}
	})
}
