package e2e

import (
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/leve-build/leve/internal/testutil"
)

// registry is a private Docker registry (distribution 2.8, Debian's
// docker-registry) on a free loopback port with its storage in a temporary
// directory, started on first use by a test and stopped by TestMain.
var registry struct {
	once sync.Once
	dir  string            // its config, storage and log
	addr string            // host:port
	svc  *testutil.Service // the running registry
	err  error             // why it could not start
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
	addr, err := testutil.FreeLoopbackAddr()
	if err != nil {
		return err
	}
	config := filepath.Join(dir, "registry.yml")
	yml := fmt.Sprintf("version: 0.1\nlog: {level: warn}\nstorage: {filesystem: {rootdirectory: %s}, delete: {enabled: true}}\nhttp: {addr: %s}\n",
		filepath.Join(dir, "storage"), addr)
	if err := os.WriteFile(config, []byte(yml), 0o644); err != nil {
		return err
	}
	ready := testutil.HTTPReady(&http.Client{Timeout: time.Second}, "http://"+addr+"/v2/")
	registry.svc, err = testutil.StartService("docker-registry", exec.Command(bin, "serve", config), filepath.Join(dir, "registry.log"), 30*time.Second, 50*time.Millisecond, ready)
	if err != nil {
		return err
	}
	registry.addr = addr
	return nil
}

// stopRegistry stops the private registry, if a test started it, by its
// PID, and removes its directory.
func stopRegistry() {
	registry.svc.Stop(10 * time.Second)
	if registry.dir != "" {
		os.RemoveAll(registry.dir)
	}
}
