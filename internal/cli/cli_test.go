package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/leve-build/leve/internal/testutil"
	"github.com/leve-build/leve/pkg/pipeline"
)

// run executes leve with args in dir and returns its exit code and outputs.
func run(t *testing.T, dir string, args ...string) (int, string, string) {
	t.Helper()
	t.Chdir(dir)
	t.Setenv("LEVE_CACHE", filepath.Join(t.TempDir(), "cache"))
	var stdout, stderr bytes.Buffer
	code := Execute(context.Background(), args, strings.NewReader(""), &stdout, &stderr)
	return code, stdout.String(), stderr.String()
}

func TestExitCodes(t *testing.T) {
	mod := testutil.Module(t, map[string]string{"main.go": testutil.Hello, "lib/lib.go": "package lib\n"})
	tests := []struct {
		name    string
		args    []string
		code    int
		wantErr string
	}{
		{"unknown flag", []string{"build", "--nope"}, ExitUsage, "unknown flag"},
		{"unknown command", []string{"nope"}, ExitUsage, "unknown command"},
		{"too many args", []string{"version", "x"}, ExitUsage, "unknown command"},
		{"bad platform", []string{"build", "--platform", "linux/nope"}, ExitError, "unknown architecture"},
		{"bad tag", []string{"build", "-t", "Bad:Name"}, ExitError, "lowercase"},
		{"bad port", []string{"build", "--port", "70000"}, ExitError, "1 to 65535"},
		{"bad env", []string{"build", "--env", "NOEQUALS"}, ExitError, "KEY=VALUE"},
		{"library", []string{"build", "./lib"}, ExitError, "not a main package"},
		{"bad push destination", []string{"build", "--push", "Bad Repo"}, ExitError, `--push "Bad Repo": `},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, stdout, stderr := run(t, mod, tc.args...)
			if code != tc.code || !strings.Contains(stderr, tc.wantErr) {
				t.Errorf("leve %v = exit %d, stderr %q; want exit %d mentioning %q", tc.args, code, stderr, tc.code, tc.wantErr)
			}
			if stdout != "" {
				t.Errorf("leve %v wrote %q to stdout on failure", tc.args, stdout)
			}
			if lines := strings.Count(strings.TrimSpace(stderr), "\n"); lines != 0 {
				t.Errorf("error spans %d lines: %q", lines+1, stderr)
			}
		})
	}
}

func TestBuildOutputs(t *testing.T) {
	mod := testutil.Module(t, map[string]string{"main.go": testutil.Hello})
	code, stdout, stderr := run(t, mod, "build", "-t", "greet:1.0")
	if code != ExitOK {
		t.Fatalf("leve build = %d, stderr:\n%s", code, stderr)
	}
	if !regexp.MustCompile(`^greet:1\.0@sha256:[0-9a-f]{64}\n$`).MatchString(stdout) {
		t.Errorf("stdout = %q, want exactly one NAME:TAG@sha256:DIGEST line", stdout)
	}
	for _, stage := range []string{"compile", "read", "optimize", "package", "ship", "pull size"} {
		if !strings.Contains(stderr, stage) {
			t.Errorf("report lacks %q:\n%s", stage, stderr)
		}
	}
	if _, err := os.Stat(filepath.Join(mod, "leve-out", "greet", "index.json")); err != nil {
		t.Errorf("default layout not written: %v", err)
	}

	code, stdout, _ = run(t, mod, "build", "--json", "--tarball", "img.tar")
	if code != ExitOK {
		t.Fatalf("leve build --json = %d", code)
	}
	var rep pipeline.Report
	if err := json.Unmarshal([]byte(stdout), &rep); err != nil {
		t.Fatalf("--json output is not one JSON document: %v\n%s", err, stdout)
	}
	if rep.Name != "m" || rep.PullSize <= 0 || len(rep.Outputs) != 1 || rep.Outputs[0].Kind != "tarball" {
		t.Errorf("report = %+v", rep)
	}
	if _, err := os.Stat(filepath.Join(mod, "leve-out", "m")); !os.IsNotExist(err) {
		t.Errorf("--tarball alone also wrote a layout (%v)", err)
	}
}

func TestHelpHasExamples(t *testing.T) {
	for _, c := range NewRoot().Commands() {
		if c.Name() == "help" || c.Name() == "completion" || c.Name() == "version" {
			continue
		}
		if c.Example == "" {
			t.Errorf("leve %s --help has no examples", c.Name())
		}
	}
}

func TestBuildMany(t *testing.T) {
	needGo(t) // go list expands ./...
	mod := testutil.Module(t, map[string]string{
		"cmd/one/main.go": testutil.Hello,
		"cmd/two/main.go": "package main\nfunc main() { println(2) }\n",
		"lib/lib.go":      "package lib\n",
	})
	code, stdout, stderr := run(t, mod, "build", "-o", "out", "./...")
	if code != ExitOK {
		t.Fatalf("leve build ./... = %d\n%s", code, stderr)
	}
	lines := strings.Split(strings.TrimSpace(stdout), "\n")
	if len(lines) != 2 || !strings.HasPrefix(lines[0], "one:latest@sha256:") || !strings.HasPrefix(lines[1], "two:latest@sha256:") {
		t.Errorf("stdout = %q, want one reference per command, in order", stdout)
	}
	for _, name := range []string{"one", "two"} {
		if _, err := os.Stat(filepath.Join(mod, "out", name, "index.json")); err != nil {
			t.Errorf("layout of %s: %v", name, err)
		}
	}
	if code, _, stderr := run(t, mod, "build", "-t", "x:1", "./..."); code != ExitError || !strings.Contains(stderr, "one by one") {
		t.Errorf("-t with many targets = %d, %q", code, stderr)
	}
	if code, _, stderr := run(t, mod, "build", "./lib/..."); code != ExitError || !strings.Contains(stderr, "no main package") {
		t.Errorf("pattern without commands = %d, %q", code, stderr)
	}
}

func TestBuildConfig(t *testing.T) {
	mod := testutil.Module(t, map[string]string{
		"cmd/one/main.go": testutil.Hello,
		"cmd/two/main.go": "package main\nfunc main() { println(2) }\n",
		"leve.yaml": `defaults:
  env: [A=1, B=1]
  labels: {team: leve}
  sbom: none
apps:
  ./cmd/one:
    env: [B=2]
    user: "1000"
    platforms: [linux/arm64]
`,
	})
	targets := []string{"./..."}
	if testing.Short() {
		targets = []string{"./cmd/one", "./cmd/two"} // without go list to expand ./...
	}
	code, stdout, stderr := run(t, mod, append([]string{"build", "--json", "--env", "C=3"}, targets...)...)
	if code != ExitOK {
		t.Fatalf("leve build = %d\n%s", code, stderr)
	}
	var reps []pipeline.Report
	if err := json.Unmarshal([]byte(stdout), &reps); err != nil || len(reps) != 2 {
		t.Fatalf("JSON: %v, %d reports", err, len(reps))
	}
	if reps[0].Images[0].Platform != "linux/arm64" || reps[1].Images[0].Platform != "linux/amd64" || reps[0].Images[0].SBOM != nil {
		t.Errorf("platforms %s, %s; SBOM %v: want leve.yaml's for one, the default for two, no SBOM", reps[0].Images[0].Platform, reps[1].Images[0].Platform, reps[0].Images[0].SBOM)
	}
	layout := filepath.Join(mod, "leve-out", "one")
	idx, _ := os.ReadFile(filepath.Join(layout, "index.json"))
	if !strings.Contains(string(idx), reps[0].Digest) {
		t.Fatalf("layout index lacks %s", reps[0].Digest)
	}
	cfgJSON := readConfig(t, layout, reps[0].Images[0].Config.Digest)
	for _, want := range []string{`"User":"1000"`, `"A=1"`, `"B=2"`, `"C=3"`, `"team":"leve"`} {
		if !strings.Contains(cfgJSON, want) {
			t.Errorf("config of one lacks %s:\n%s", want, cfgJSON)
		}
	}
	if strings.Contains(cfgJSON, `"B=1"`) {
		t.Errorf("the app's B=2 did not replace the default B=1:\n%s", cfgJSON)
	}

	testutil.WriteFiles(t, mod, map[string]string{"leve.yaml": "defaults:\n  nope: 1\n"})
	if code, _, stderr := run(t, mod, "build", "./cmd/two"); code != ExitError || !strings.Contains(stderr, "leve.yaml") {
		t.Errorf("unknown leve.yaml field = %d, %q", code, stderr)
	}
}

func readConfig(t *testing.T, layout, digest string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(layout, "blobs", "sha256", strings.TrimPrefix(digest, "sha256:")))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
