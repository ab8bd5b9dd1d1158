package e2e

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// editSpec rewrites the runtime config of bundle: args replace the
// process's arguments (unless nil), and with hostNetwork the network
// namespace is removed, so the container shares the host's loopback.
func editSpec(t *testing.T, bundle string, args []string, hostNetwork bool) {
	t.Helper()
	path := filepath.Join(bundle, "config.json")
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var spec map[string]any
	if err := json.Unmarshal(data, &spec); err != nil {
		t.Fatalf("parsing %s: %v", path, err)
	}
	if args != nil {
		process, ok := spec["process"].(map[string]any)
		if !ok {
			t.Fatalf("%s has no process object", path)
		}
		process["args"] = args
	}
	if hostNetwork {
		linux, ok := spec["linux"].(map[string]any)
		if !ok {
			t.Fatalf("%s has no linux object", path)
		}
		nss, _ := linux["namespaces"].([]any)
		var kept []any
		for _, ns := range nss {
			if m, ok := ns.(map[string]any); ok && m["type"] == "network" {
				continue
			}
			kept = append(kept, ns)
		}
		linux["namespaces"] = kept
	}
	if data, err = json.Marshal(spec); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

// runImage unpacks the image tag of the layout dir and runs it with runc
// with args as its process arguments (nil keeps the image's), in the
// host's network namespace when hostNetwork is set.
func runImage(t *testing.T, dir, tag string, args []string, hostNetwork bool) result {
	t.Helper()
	bundle := unpack(t, dir, tag)
	editSpec(t, bundle, args, hostNetwork)
	return runContainer(t, bundle, "")
}

// checkOneErrorLine checks that stderr ends with exactly one "leve: " line,
// the only one, that names the problem with one of want (case-insensitive)
// and does not contain any of secrets.
func checkOneErrorLine(t *testing.T, stderr string, want []string, secrets ...string) {
	t.Helper()
	lines := strings.Split(strings.TrimRight(stderr, "\n"), "\n")
	last := lines[len(lines)-1]
	n := 0
	for _, l := range lines {
		if strings.HasPrefix(l, "leve: ") {
			n++
		}
	}
	if !strings.HasPrefix(last, "leve: ") || n != 1 {
		t.Errorf("stderr has %d \"leve: \" lines and ends with %q, want exactly one error line, last\nstderr:\n%s", n, last, stderr)
	}
	t.Logf("error line: %s", last)
	found := false
	for _, w := range want {
		found = found || strings.Contains(strings.ToLower(last), strings.ToLower(w))
	}
	if !found {
		t.Errorf("error line %q names none of %q", last, want)
	}
	for _, s := range secrets {
		if s != "" && strings.Contains(stderr, s) {
			t.Errorf("stderr shows the secret %q:\n%s", s, stderr)
		}
	}
}
