package e2e

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"syscall"
	"testing"
	"time"
)

// dockerdReady bounds how long dockerd may take to answer /_ping.
const dockerdReady = 60 * time.Second

// dockerd is the private Docker daemon, started on first use by a test and
// stopped by TestMain. It listens only on a unix socket in its own temporary
// directory; the machine's default daemon socket is never used.
var dockerd struct {
	once sync.Once
	dir  string        // its sockets, state and log
	cmd  *exec.Cmd     // the running daemon
	done chan struct{} // closed when the daemon has exited
	env  []string      // DOCKER_HOST and DOCKER_CONFIG for docker clients
	err  error         // why it could not start
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
	logFile, err := os.Create(filepath.Join(dir, "dockerd.log"))
	if err != nil {
		return err
	}
	defer logFile.Close()
	cmd := exec.Command(bin,
		"--host", "unix://"+sock,
		"--data-root", filepath.Join(dir, "root"),
		"--exec-root", filepath.Join(dir, "exec"),
		"--pidfile", filepath.Join(dir, "docker.pid"),
		"--storage-driver", "overlay2",
		"--iptables=false", "--ip6tables=false", "--bridge=none",
		"--ip-masq=false", "--userland-proxy=false")
	cmd.Stdout, cmd.Stderr = logFile, logFile
	// Its own process group, so that a kill reaches its containerd too; and
	// SIGTERM if the test binary dies (a timeout panic skips TestMain's
	// teardown).
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGTERM}
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("starting dockerd: %w", err)
	}
	dockerd.cmd = cmd
	exited := make(chan struct{})
	dockerd.done = exited
	go func() { cmd.Wait(); close(exited) }()
	dockerd.env = []string{"DOCKER_HOST=unix://" + sock, "DOCKER_CONFIG=" + filepath.Join(dir, "config")}

	client := &http.Client{
		Timeout: 2 * time.Second,
		Transport: &http.Transport{DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
			var d net.Dialer
			return d.DialContext(ctx, "unix", sock)
		}},
	}
	deadline := time.Now().Add(dockerdReady)
	for {
		resp, err := client.Get("http://docker/_ping")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		select {
		case <-exited:
			log, _ := os.ReadFile(logFile.Name())
			return fmt.Errorf("dockerd exited before it was ready:\n%s", log)
		case <-time.After(100 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			log, _ := os.ReadFile(logFile.Name())
			return fmt.Errorf("dockerd not ready after %v (last error: %v):\n%s", dockerdReady, err, log)
		}
	}
}

// stopDockerd stops the private dockerd, if a test started it, by sending
// SIGTERM to its PID, waits a bounded time for it to exit, then removes its
// directory.
func stopDockerd() {
	if dockerd.cmd == nil || dockerd.cmd.Process == nil {
		return
	}
	p := dockerd.cmd.Process
	p.Signal(syscall.SIGTERM)
	select {
	case <-dockerd.done:
	case <-time.After(30 * time.Second):
		fmt.Fprintf(os.Stderr, "e2e: dockerd (pid %d) ignored SIGTERM for 30s; killing its process group\n", p.Pid)
		// dockerd runs in its own process group (Setpgid), with its containerd.
		syscall.Kill(-p.Pid, syscall.SIGKILL)
		<-dockerd.done
	}
	if dockerd.dir != "" {
		os.RemoveAll(dockerd.dir)
	}
}
