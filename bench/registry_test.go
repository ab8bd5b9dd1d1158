package bench

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

// registry is crane's in-memory registry on loopback, started on first use
// and stopped by TestMain. ko reads its base image from it.
var registry struct {
	once sync.Once
	addr string    // host:port
	cmd  *exec.Cmd // the running registry
	done chan struct{}
	err  error
}

// startRegistry starts the registry on first use and returns its address.
func startRegistry(b *testing.B, crane string) string {
	b.Helper()
	registry.once.Do(func() { registry.err = serveRegistry(crane) })
	if registry.err != nil {
		b.Fatal(registry.err)
	}
	return registry.addr
}

// serveRegistry runs "crane registry serve" on a free loopback port and
// waits until it answers /v2/.
func serveRegistry(crane string) error {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	addr := l.Addr().String()
	l.Close()
	log, err := os.Create(filepath.Join(workDir, "registry.log"))
	if err != nil {
		return err
	}
	defer log.Close()
	cmd := exec.Command(crane, "registry", "serve", "--address", addr)
	cmd.Stdout, cmd.Stderr = log, log
	if err := cmd.Start(); err != nil {
		return err
	}
	registry.cmd, registry.done = cmd, make(chan struct{})
	go func() { cmd.Wait(); close(registry.done) }()
	client := &http.Client{Timeout: time.Second}
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); {
		if resp, err := client.Get("http://" + addr + "/v2/"); err == nil {
			resp.Body.Close()
			registry.addr = addr
			return nil
		}
		select {
		case <-registry.done:
			return fmt.Errorf("crane registry serve exited; see %s", log.Name())
		case <-time.After(50 * time.Millisecond):
		}
	}
	return fmt.Errorf("crane registry serve on %s not ready after 30s", addr)
}

// stopRegistry stops the registry, if started, by its PID.
func stopRegistry() {
	if registry.cmd == nil {
		return
	}
	registry.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-registry.done:
	case <-time.After(10 * time.Second):
		registry.cmd.Process.Kill()
		<-registry.done
	}
}
