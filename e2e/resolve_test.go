package e2e

import (
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// resolveYAML is two Deployments whose images are leve:// references to
// two commands of one module; %s is the module path. Comments name a third
// command, and so does a longer string: it must be neither built nor
// pushed.
const resolveYAML = `# Built by leve resolve; leve://%[1]s/cmd/three is not deployed yet.
apiVersion: apps/v1
kind: Deployment
metadata: {name: one}
spec:
  template:
    spec:
      containers:
      - name: one
        image: leve://%[1]s/cmd/one # was leve://%[1]s/cmd/three
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: two}
spec:
  template:
    spec:
      containers:
      - name: two
        image: "leve://%[1]s/cmd/two"
        args: ['--peer', 'leve://%[1]s/cmd/one']
        env: [{name: NEXT, value: "soon leve://%[1]s/cmd/three"}]
`

// TestResolve runs leve resolve on a two-Deployment YAML against the
// private registry: the three references become REPO/NAME@sha256:DIGEST
// in their quotes, the rest of the text (comments naming a third command
// and a longer string naming a third command included) is unchanged, with
// a warning for the longer string, skopeo inspects each pushed digest, and
// the third command is not pushed.
func TestResolve(t *testing.T) {
	skopeo := needTool(t, "skopeo")
	const module = "example.com/resolve"
	mod := t.TempDir()
	writeFiles(t, mod, map[string]string{
		"go.mod":            "module " + module + "\n\ngo 1.26\n",
		"cmd/one/main.go":   "package main\n\nfunc main() { println(\"one\") }\n",
		"cmd/two/main.go":   "package main\n\nfunc main() { println(\"two\") }\n",
		"cmd/three/main.go": "package main\n\nfunc main() { println(\"three\") }\n",
		"deploy.yaml":       fmt.Sprintf(resolveYAML, module),
	})
	repo := registryAddr(t) + "/issue5/resolve"
	r := runLeve(t, mod, nil, "resolve", "-f", "deploy.yaml", "--repo", repo, "--insecure", "--level", "fast")
	if r.code != 0 {
		t.Fatalf("leve resolve: %s", r)
	}
	refRE := regexp.MustCompile(regexp.QuoteMeta(repo) + `/(one|two)@(sha256:[0-9a-f]{64})`)
	found := refRE.FindAllStringSubmatch(r.stdout, -1)
	if len(found) != 3 || found[0][1] != "one" || found[1][1] != "two" || found[2][1] != "one" || found[2][2] != found[0][2] {
		t.Fatalf("leve resolve stdout has references %q, want %s/one@sha256:…, %s/two@sha256:…, then the first again\n%s", found, repo, repo, r.stdout)
	}
	if want := "warning: deploy.yaml:22: leve://" + module + "/cmd/three inside a longer value is left as it is"; !strings.Contains(r.stderr, want) {
		t.Errorf("leve resolve stderr lacks %q:\n%s", want, r.stderr)
	}
	if want := refRE.ReplaceAllString(r.stdout, "leve://"+module+"/cmd/$1"); want != fmt.Sprintf(resolveYAML, module) {
		t.Errorf("leve resolve changed more than the references:\n%s", r.stdout)
	}
	for _, m := range found {
		ref := repo + "/" + m[1] + "@" + m[2]
		out := mustRun(t, "", "", nil, skopeo, "inspect", "--tls-verify=false", "docker://"+ref)
		if !strings.Contains(out.stdout, m[2]) {
			t.Errorf("skopeo inspect %s does not report digest %s:\n%s", ref, m[2], out.stdout)
		}
		_, digest := remoteManifest(t, ref)
		if digest != m[2] {
			t.Errorf("the registry serves %s with digest %s", ref, digest)
		}
	}
	if !inRegistry(t, "issue5/resolve/one") || inRegistry(t, "issue5/resolve/three") {
		t.Errorf("the registry holds issue5/resolve/one: %v, issue5/resolve/three: %v; want only the first (the second is named only in comments)",
			inRegistry(t, "issue5/resolve/one"), inRegistry(t, "issue5/resolve/three"))
	}
}

// inRegistry reports whether the private registry holds the repository
// name (host:port/ left out), asking for its tags.
func inRegistry(t *testing.T, name string) bool {
	t.Helper()
	resp, err := http.Get("http://" + registryAddr(t) + "/v2/" + name + "/tags/list")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var tags struct{ Tags []string }
	switch resp.StatusCode {
	case http.StatusOK:
		if err := json.NewDecoder(resp.Body).Decode(&tags); err != nil {
			t.Fatalf("reading the tags of %s: %v", name, err)
		}
		return len(tags.Tags) > 0
	case http.StatusNotFound:
		return false
	}
	t.Fatalf("GET /v2/%s/tags/list: %s", name, resp.Status)
	return false
}

// TestResolveRefuses runs leve resolve on YAML with one good reference and
// one bad (a tag, a digest, a filesystem path, malformed YAML): each exits
// 1 with one line naming the file, the line and the problem, prints no
// YAML, and pushes nothing, the good reference included.
func TestResolveRefuses(t *testing.T) {
	const module = "example.com/refuse"
	mod := t.TempDir()
	writeFiles(t, mod, map[string]string{
		"go.mod":           "module " + module + "\n\ngo 1.26\n",
		"cmd/good/main.go": "package main\n\nfunc main() { println(\"good\") }\n",
		"cmd/bad/main.go":  "package main\n\nfunc main() { println(\"bad\") }\n",
	})
	for i, c := range []struct{ bad, want string }{
		{"image: leve://" + module + "/cmd/bad:v1", "deploy.yaml:3: bad leve:// reference: leve://" + module + "/cmd/bad:v1 has a tag or digest after the path: leve sets it; write leve://" + module + "/cmd/bad"},
		{"image: 'leve://" + module + "/cmd/bad@sha256:" + strings.Repeat("a", 64) + "'", "deploy.yaml:3: bad leve:// reference: leve://" + module + "/cmd/bad@sha256:"},
		{"image: leve://../..", "deploy.yaml:3: bad leve:// reference: leve://../.. is a filesystem path; write the package's Go import path"},
		{"image: leve://./cmd/bad", "deploy.yaml:3: bad leve:// reference: leve://./cmd/bad is a filesystem path"},
		{"image: [leve://" + module + "/cmd/bad", "deploy.yaml:3: malformed YAML: did not find expected ',' or ']'"},
		{"image: leve://" + module + "/cmd/bad: x", "deploy.yaml:3: malformed YAML: mapping values are not allowed in this context"},
	} {
		doc := "a:\n  image: leve://" + module + "/cmd/good\n" + c.bad + "\n"
		if err := os.WriteFile(filepath.Join(mod, "deploy.yaml"), []byte(doc), 0o644); err != nil {
			t.Fatal(err)
		}
		repo := fmt.Sprintf("%s/refuse%d", registryAddr(t), i)
		r := runLeve(t, mod, nil, "resolve", "-f", "deploy.yaml", "--repo", repo, "--insecure", "--level", "fast")
		if r.code != 1 || r.stdout != "" || !strings.Contains(r.stderr, c.want) || strings.Count(strings.TrimSpace(r.stderr), "\n") != 0 {
			t.Errorf("leve resolve on %q: %s\nwant exit 1, no stdout and one line containing %q", doc, r, c.want)
		}
		for _, name := range []string{"good", "bad"} {
			if inRegistry(t, fmt.Sprintf("refuse%d/%s", i, name)) {
				t.Errorf("leve resolve on %q pushed %s before refusing", doc, name)
			}
		}
	}
}
