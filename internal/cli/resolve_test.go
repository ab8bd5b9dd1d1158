package cli

import (
	"io"
	"log"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/registry"
	"github.com/google/go-containerregistry/pkg/v1/remote"

	"github.com/leve-build/leve/internal/testutil"
)

const deployments = `apiVersion: apps/v1
kind: Deployment
metadata: {name: one}
spec:
  template:
    spec:
      containers:
      - name: one
        image: leve://example.com/m/cmd/one
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: two}
spec:
  template:
    spec:
      containers:
      - name: two
        image: "leve://example.com/m/cmd/two"
        env: [{name: SAME, value: leve://example.com/m/cmd/one}]
`

func TestResolve(t *testing.T) {
	srv := httptest.NewServer(registry.New(registry.Logger(log.New(io.Discard, "", 0))))
	defer srv.Close()
	host := strings.TrimPrefix(srv.URL, "http://")
	mod := testutil.Module(t, map[string]string{
		"cmd/one/main.go": testutil.Hello,
		"cmd/two/main.go": "package main\nfunc main() { println(2) }\n",
		"k8s.yaml":        deployments,
	})
	code, stdout, stderr := run(t, mod, "resolve", "-f", filepath.Join(mod, "k8s.yaml"), "--repo", host+"/apps", "--insecure")
	if code != ExitOK {
		t.Fatalf("leve resolve = %d\n%s", code, stderr)
	}
	if strings.Contains(stdout, "leve://") {
		t.Errorf("references left in:\n%s", stdout)
	}
	re := regexp.MustCompile(regexp.QuoteMeta(host) + `/apps/(one|two)@sha256:[0-9a-f]{64}`)
	found := re.FindAllString(stdout, -1)
	if len(found) != 3 {
		t.Fatalf("found %d resolved references, want 3:\n%s", len(found), stdout)
	}
	for _, ref := range found {
		d, err := name.NewDigest(ref, name.Insecure)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := remote.Image(d); err != nil {
			t.Errorf("pulling %s: %v", ref, err)
		}
	}
	if want := strings.Count(deployments, "\n"); strings.Count(stdout, "\n") != want {
		t.Errorf("resolved YAML has %d lines, want %d", strings.Count(stdout, "\n"), want)
	}
	t.Setenv("LEVE_REPO", "")
	os.Unsetenv("LEVE_REPO")
	if code, _, stderr := run(t, mod, "resolve", "-f", "k8s.yaml"); code != ExitError || !strings.Contains(stderr, "LEVE_REPO") {
		t.Errorf("resolve without a repo = %d, %q", code, stderr)
	}
}
