package e2e

import (
	"os"
	"path"
	"path/filepath"
	"strings"
	"testing"
)

// TestDockerPullBenchmark builds examples/hello/Dockerfile (the seed's two
// stages done right: golang, then the stripped binary alone on scratch)
// with Debian's dockerd on its own socket and a stand-in golang image
// holding the host's Go, saves the image and records for the bench
// harness the pull size a registry would hold: its layers at gzip level 6
// (what docker push sends) plus its config. It runs only with
// LEVE_BENCH_DOCKER=1; docs/benchmarks.md holds its figures. The seed's
// own Dockerfile.seed cannot be built this way: its "go build -o app.go"
// fails with Go ≥ 1.26.
func TestDockerPullBenchmark(t *testing.T) {
	if os.Getenv("LEVE_BENCH_DOCKER") != "1" {
		t.Skip("a benchmark: set LEVE_BENCH_DOCKER=1")
	}
	docker := "/usr/bin/docker"
	env := dockerEnv(t)
	ctx := helloContext(t)
	work := t.TempDir()
	goVersion := strings.TrimPrefix(strings.TrimSpace(mustRun(t, "", "", nil, "go", "env", "GOVERSION").stdout), "go")
	importGoStandIn(t, env, work, "golang:"+goVersion+"-bookworm")
	benv := append(append([]string(nil), env...), "DOCKER_BUILDKIT=1")
	mustRun(t, ctx, "", benv, docker, "build", "--network", "none", "-t", "hello:docker", ".")
	for _, g := range greetings {
		if out := mustRun(t, "", g.stdin, env, docker, "run", "--rm", "-i", "--network", "none", "hello:docker"); !strings.Contains(out.stdout, g.want) {
			t.Errorf("%s: %q, want %q", g.name, out.stdout, g.want)
		}
	}
	saved := filepath.Join(work, "saved.tar")
	mustRun(t, "", "", env, docker, "save", "-o", saved, "hello:docker")
	blobs, m := archiveBlobs(t, saved)
	total := gzipPullSize(t, saved)
	config := int64(len(blobs[path.Clean(m.Config)]))
	version := strings.TrimSpace(mustRun(t, "", "", env, docker, "version", "--format", "{{.Server.Version}}").stdout)
	t.Logf("docker build of examples/hello/Dockerfile (dockerd %s): %d layers, pull ≈ %d B (gzip -6 layers + config)", version, len(m.Layers), total)
	benchRecord(t, "scratch-B", total)
	benchRecord(t, "scratch-config-B", config)
	benchRecord(t, "scratch-layers-B", total-config)
	benchRecord(t, "scratch-layers", len(m.Layers))
	benchRecord(t, "dockerd", version)
}
