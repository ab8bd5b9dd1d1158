package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/leve-build/leve/internal/testutil"
)

// foreignKeys name the members of leve's JSON documents that hold a
// document leve does not define (an image's labels and environment, the Go
// build settings, a SARIF log's own keys): their keys are kept as they are
// and not checked.
var foreignKeys = map[string]bool{
	"labels": true, "annotations": true, "settings": true, "env": true,
	"config": true, "history": true, "sarif": true,
}

// camelKey is leve's one key style: lower camel case, as Kubernetes and
// the OCI manifests use.
var camelKey = regexp.MustCompile(`^[a-z][a-zA-Z0-9]*$`)

// TestJSONKeyStyle runs every report that has --json and walks each key
// of its document: all of leve's own keys are camelCase.
func TestJSONKeyStyle(t *testing.T) {
	mod := testutil.Module(t, map[string]string{"main.go": testutil.Hello})
	app := fixtureProgram(t, t.TempDir())
	dockerfile := filepath.Join(t.TempDir(), "Dockerfile")
	if err := os.WriteFile(dockerfile, []byte("FROM alpine\nRUN chmod -R 755 /app\nENTRYPOINT ./app\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	packed := filepath.Join(t.TempDir(), "app.packed")
	for _, args := range [][]string{
		{"build", "--json", "-t", "keys:1"},
		{"images", "--json"}, // lists keys:1, which build wrote into mod/leve-out
		{"analyze", "--json", app},
		{"pack", "--json", "-o", packed, app},
		{"lint", "--format", "json", dockerfile},
		{"cache", "--json"},
		{"version", "--json"},
	} {
		t.Run(args[0], func(t *testing.T) {
			_, stdout, stderr := run(t, mod, args...)
			var doc any
			if err := json.Unmarshal([]byte(stdout), &doc); err != nil {
				t.Fatalf("leve %s: stdout is not one JSON document (%v):\n%s\nstderr:\n%s", strings.Join(args, " "), err, stdout, stderr)
			}
			var bad []string
			walkKeys(doc, "", func(path, key string) {
				if !camelKey.MatchString(key) {
					bad = append(bad, path)
				}
			})
			if len(bad) > 0 {
				t.Errorf("leve %s: keys not in camelCase: %s", strings.Join(args, " "), strings.Join(bad, ", "))
			}
		})
	}
}

// walkKeys calls f with every object key of v and its path, skipping the
// values of foreign members.
func walkKeys(v any, path string, f func(path, key string)) {
	switch x := v.(type) {
	case map[string]any:
		for k, child := range x {
			p := path + "." + k
			f(p, k)
			if !foreignKeys[k] {
				walkKeys(child, p, f)
			}
		}
	case []any:
		for _, child := range x {
			walkKeys(child, path+"[]", f)
		}
	}
}
