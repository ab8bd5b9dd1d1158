package e2e

import (
	"context"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/leve-build/leve/internal/testutil"
)

// dockerdReady bounds how long dockerd may take to answer /_ping.
const dockerdReady = 60 * time.Second

// dockerd is the private Docker daemon, started on first use by a test and
// stopped by TestMain. It listens only on a unix socket in its own temporary
// directory; the machine's default daemon socket is never used.
var dockerd struct {
	once sync.Once
	dir  string            // its sockets, state and log
	svc  *testutil.Service // the running daemon
	env  []string          // DOCKER_HOST and DOCKER_CONFIG for docker clients
	err  error             // why it could not start
}

// dockerEnv starts the private dockerd on first use and returns the
// environment that points docker clients at it.
func dockerEnv(t *testing.T) []string {
	t.Helper()
	bin := needTool(t, "dockerd")
	needTool(t, "docker")
	needRoot(t)
	dockerd.once.Do(func() { dockerd.err = startDockerd(bin) })
	if dockerd.err != nil {
		t.Fatal(dockerd.err)
	}
	return dockerd.env
}

// startDockerd starts dockerd as in the container-tools recipe and waits
// until it answers, or fails after dockerdReady.
func startDockerd(bin string) error {
	// A short path: unix socket paths are limited to 108 bytes, and dockerd
	// puts containerd's socket under its exec root.
	dir, err := os.MkdirTemp("", "lvd")
	if err != nil {
		return err
	}
	dockerd.dir = dir
	sock := filepath.Join(dir, "docker.sock")
	cmd := exec.Command(bin,
		"--host", "unix://"+sock,
		"--data-root", filepath.Join(dir, "root"),
		"--exec-root", filepath.Join(dir, "exec"),
		"--pidfile", filepath.Join(dir, "docker.pid"),
		"--storage-driver", "overlay2",
		"--iptables=false", "--ip6tables=false", "--bridge=none",
		"--ip-masq=false", "--userland-proxy=false")
	dockerd.env = []string{"DOCKER_HOST=unix://" + sock, "DOCKER_CONFIG=" + filepath.Join(dir, "config")}
	client := &http.Client{
		Timeout: 2 * time.Second,
		Transport: &http.Transport{DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
			var d net.Dialer
			return d.DialContext(ctx, "unix", sock)
		}},
	}
	// Its own process group, so that a kill reaches its containerd too.
	dockerd.svc, err = testutil.StartService("dockerd", cmd, filepath.Join(dir, "dockerd.log"), dockerdReady, 100*time.Millisecond, testutil.HTTPReady(client, "http://docker/_ping"))
	return err
}

// stopDockerd stops the private dockerd, if a test started it, by sending
// SIGTERM to its PID, waits a bounded time for it to exit, then removes its
// directory.
func stopDockerd() {
	dockerd.svc.Stop(30 * time.Second)
	if dockerd.dir != "" {
		os.RemoveAll(dockerd.dir)
	}
}
