package e2e

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestTarball builds examples/hello with --tarball and reads the file with
// skopeo (as oci-archive and docker-archive) and with a private dockerd
// (docker load, then docker run with a name on stdin).
func TestTarball(t *testing.T) {
	cwd := t.TempDir()
	tar := filepath.Join(t.TempDir(), "hello.tar")
	r := runLeve(t, cwd, nil, "build", "--tarball", tar, filepath.Join(repoRoot, "examples", "hello"))
	if r.code != 0 {
		t.Fatalf("leve build --tarball: %s", r)
	}
	ref := parseRef(t, r)
	if _, err := os.Stat(filepath.Join(cwd, "leve-out")); err == nil {
		t.Errorf("leve build --tarball (without -o) also wrote ./leve-out, want only the tarball")
	}
	if _, err := os.Stat(tar); err != nil {
		t.Fatalf("leve build --tarball: %v", err)
	}

	for _, transport := range []string{"oci-archive", "docker-archive"} {
		t.Run("skopeo "+transport, func(t *testing.T) {
			skopeo := needTool(t, "skopeo")
			mustRun(t, "", "", nil, skopeo, "inspect", transport+":"+tar)
			mustRun(t, "", "", nil, skopeo, "inspect", "--config", transport+":"+tar)
			out := filepath.Join(t.TempDir(), "copy")
			mustRun(t, "", "", nil, skopeo, "copy", transport+":"+tar, "oci:"+out+":latest")
		})
	}

	t.Run("docker", func(t *testing.T) {
		env := dockerEnv(t)
		mustRun(t, "", "", env, "docker", "load", "-i", tar)
		image := ref.name + ":" + ref.tag
		for _, g := range greetings {
			t.Run(g.name, func(t *testing.T) {
				r := runCmd(t, "", g.stdin, env, "docker", "run", "--rm", "-i", "--network", "none", image)
				if r.code != 0 || !strings.Contains(r.stdout, g.want) {
					t.Errorf("docker run -i %s with stdin %q: %s\nwant exit 0 and %q on stdout", image, g.stdin, r, g.want)
				}
			})
		}
	})
}

// TestDocker loads examples/hello straight into the private dockerd with
// --docker (Engine API on DOCKER_HOST) and runs it there.
func TestDocker(t *testing.T) {
	env := dockerEnv(t)
	cwd := t.TempDir()
	r := runLeve(t, cwd, env, "build", "--docker", "-t", "hello-direct:e2e", filepath.Join(repoRoot, "examples", "hello"))
	if r.code != 0 {
		t.Fatalf("leve build --docker: %s", r)
	}
	parseRef(t, r)
	if _, err := os.Stat(filepath.Join(cwd, "leve-out")); err == nil {
		t.Errorf("leve build --docker also wrote ./leve-out, want only the load")
	}
	g := greetings[0]
	r = runCmd(t, "", g.stdin, env, "docker", "run", "--rm", "-i", "--network", "none", "hello-direct:e2e")
	if r.code != 0 || !strings.Contains(r.stdout, g.want) {
		t.Errorf("docker run -i hello-direct:e2e with stdin %q: %s\nwant exit 0 and %q on stdout", g.stdin, r, g.want)
	}
}
