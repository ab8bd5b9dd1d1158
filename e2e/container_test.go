package e2e

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"
)

// unpack unpacks the image tag of the OCI layout dir with umoci into a new
// runtime bundle and returns the bundle directory.
func unpack(t *testing.T, dir, tag string) string {
	t.Helper()
	umoci := needTool(t, "umoci")
	needRoot(t)
	bundle := filepath.Join(t.TempDir(), "bundle")
	mustRun(t, "", "", nil, umoci, "unpack", "--image", dir+":"+tag, bundle)
	return bundle
}

// containerSeq makes container ids unique within this test binary.
var containerSeq atomic.Int64

// runContainer runs the runtime bundle with runc, stdin as its input, and
// returns what it printed and its exit code. The container runs without a
// terminal, in its own runc state directory, and is always deleted.
func runContainer(t *testing.T, bundle, stdin string) result {
	t.Helper()
	runc := needTool(t, "runc")
	needRoot(t)
	disableTerminal(t, filepath.Join(bundle, "config.json"))
	state := t.TempDir()
	id := fmt.Sprintf("leve-e2e-%d-%d", os.Getpid(), containerSeq.Add(1))
	t.Cleanup(func() {
		// The container is normally gone already; this catches failures.
		execCmd("", "", nil, runc, "--root", state, "delete", "-f", id)
	})
	return runCmd(t, "", stdin, nil, runc, "--root", state, "run", "--bundle", bundle, id)
}

// disableTerminal sets process.terminal to false in the runtime config at
// path: there is no TTY in CI, and stdin must reach the program as a pipe.
func disableTerminal(t *testing.T, path string) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var spec map[string]any
	if err := json.Unmarshal(data, &spec); err != nil {
		t.Fatalf("parsing %s: %v", path, err)
	}
	process, ok := spec["process"].(map[string]any)
	if !ok {
		t.Fatalf("%s has no process object", path)
	}
	process["terminal"] = false
	if data, err = json.Marshal(spec); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

// greetings are the inputs the example programs get and what they must
// answer to each.
var greetings = []struct {
	name, stdin, want string
}{
	{"full name", "Maria Silva\n", "Oi, Maria Silva! Eu sou a linguagem Go!"},
	{"utf-8 name", "João\n", "Oi, João! Eu sou a linguagem Go!"},
	{"no input", "", "Oi! Eu sou a linguagem Go!"},
}
