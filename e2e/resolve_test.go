package e2e

import (
	"fmt"
	"regexp"
	"strings"
	"testing"
)

// resolveYAML is two Deployments whose images are leve:// references to
// two commands of one module; %s is the module path.
const resolveYAML = `apiVersion: apps/v1
kind: Deployment
metadata: {name: one}
spec:
  template:
    spec:
      containers:
      - name: one
        image: leve://%[1]s/cmd/one
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
`

// TestResolve runs leve resolve on a two-Deployment YAML against the
// private registry: both references become REPO/NAME@sha256:DIGEST, the
// rest of the text is unchanged, and skopeo inspects each pushed digest.
func TestResolve(t *testing.T) {
	skopeo := needTool(t, "skopeo")
	const module = "example.com/resolve"
	mod := t.TempDir()
	writeFiles(t, mod, map[string]string{
		"go.mod":          "module " + module + "\n\ngo 1.26\n",
		"cmd/one/main.go": "package main\n\nfunc main() { println(\"one\") }\n",
		"cmd/two/main.go": "package main\n\nfunc main() { println(\"two\") }\n",
		"deploy.yaml":     fmt.Sprintf(resolveYAML, module),
	})
	repo := registryAddr(t) + "/issue5/resolve"
	r := runLeve(t, mod, nil, "resolve", "-f", "deploy.yaml", "--repo", repo, "--insecure", "--level", "fast")
	if r.code != 0 {
		t.Fatalf("leve resolve: %s", r)
	}
	refRE := regexp.MustCompile(regexp.QuoteMeta(repo) + `/(one|two)@(sha256:[0-9a-f]{64})`)
	found := refRE.FindAllStringSubmatch(r.stdout, -1)
	if len(found) != 2 || found[0][1] != "one" || found[1][1] != "two" {
		t.Fatalf("leve resolve stdout has references %q, want %s/one@sha256:… then %s/two@sha256:…\n%s", found, repo, repo, r.stdout)
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
}
