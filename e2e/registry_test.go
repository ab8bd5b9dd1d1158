package e2e

import (
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

// registry is a private Docker registry (distribution 2.8, Debian's
// docker-registry) on a free loopback port with its storage in a temporary
// directory, started on first use by a test and stopped by TestMain.
var registry struct {
	once sync.Once
	dir  string        // its config, storage and log
	addr string        // host:port
	cmd  *exec.Cmd     // the running registry
	done chan struct{} // closed when it has exited
	err  error         // why it could not start
}

// registryAddr starts the private registry on first use and returns its
// host:port.
func registryAddr(t *testing.T) string {
	t.Helper()
	bin := needTool(t, "docker-registry")
	registry.once.Do(func() { registry.err = startRegistry(bin) })
	if registry.err != nil {
		t.Fatal(registry.err)
	}
	return registry.addr
}

// startRegistry runs docker-registry as in the container-tools recipe and
// waits until /v2/ answers.
func startRegistry(bin string) error {
	dir, err := os.MkdirTemp("", "leve-registry-")
	if err != nil {
		return err
	}
	registry.dir = dir
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	addr := l.Addr().String()
	l.Close()
	config := filepath.Join(dir, "registry.yml")
	yml := fmt.Sprintf("version: 0.1\nlog: {level: warn}\nstorage: {filesystem: {rootdirectory: %s}, delete: {enabled: true}}\nhttp: {addr: %s}\n",
		filepath.Join(dir, "storage"), addr)
	if err := os.WriteFile(config, []byte(yml), 0o644); err != nil {
		return err
	}
	logFile, err := os.Create(filepath.Join(dir, "registry.log"))
	if err != nil {
		return err
	}
	defer logFile.Close()
	cmd := exec.Command(bin, "serve", config)
	cmd.Stdout, cmd.Stderr = logFile, logFile
	// SIGTERM if the test binary dies before TestMain's teardown.
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGTERM}
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("starting docker-registry: %w", err)
	}
	registry.cmd, registry.done = cmd, make(chan struct{})
	go func() { cmd.Wait(); close(registry.done) }()

	client := &http.Client{Timeout: time.Second}
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); {
		if resp, err := client.Get("http://" + addr + "/v2/"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				registry.addr = addr
				return nil
			}
		}
		select {
		case <-registry.done:
			log, _ := os.ReadFile(logFile.Name())
			return fmt.Errorf("docker-registry exited before it was ready:\n%s", log)
		case <-time.After(50 * time.Millisecond):
		}
	}
	log, _ := os.ReadFile(logFile.Name())
	return fmt.Errorf("docker-registry on %s not ready after 30s:\n%s", addr, log)
}

// stopRegistry stops the private registry, if a test started it, by its
// PID, and removes its directory.
func stopRegistry() {
	if registry.cmd != nil {
		registry.cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-registry.done:
		case <-time.After(10 * time.Second):
			registry.cmd.Process.Kill()
			<-registry.done
		}
	}
	if registry.dir != "" {
		os.RemoveAll(registry.dir)
	}
}
