package bench

import (
	"net/http"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/leve-build/leve/internal/testutil"
)

// registry is crane's in-memory registry on loopback, started on first use
// and stopped by TestMain. ko reads its base image from it.
var registry struct {
	once sync.Once
	addr string            // host:port
	svc  *testutil.Service // the running registry
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
	addr, err := testutil.FreeLoopbackAddr()
	if err != nil {
		return err
	}
	ready := testutil.HTTPReady(&http.Client{Timeout: time.Second}, "http://"+addr+"/v2/")
	cmd := exec.Command(crane, "registry", "serve", "--address", addr)
	registry.svc, err = testutil.StartService("crane registry", cmd, filepath.Join(workDir, "registry.log"), 30*time.Second, 50*time.Millisecond, ready)
	if err != nil {
		return err
	}
	registry.addr = addr
	return nil
}

// stopRegistry stops the registry, if a benchmark started it, by its PID.
func stopRegistry() {
	registry.svc.Stop(10 * time.Second)
}
