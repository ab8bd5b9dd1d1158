package e2e

import (
	"strings"
	"testing"
)

// TestPushCutHint pushes examples/hello with --insecure through a proxy
// that cuts every blob upload mid-body. The registry was reached (the
// upload had started), so the one error line must not blame the address or
// suggest --insecure, which was given.
func TestPushCutHint(t *testing.T) {
	proxy := newRegistryProxy(t, registryAddr(t))
	proxy.set(64<<10, 0, "", "")
	r := pushHello(t, nil, "linux/amd64", proxy.addr+"/issue5/cut-hint:1")
	if r.code != 1 {
		t.Fatalf("leve build --push through a proxy that cuts uploads: exit %d, want 1\n%s", r.code, r)
	}
	lines := strings.Split(strings.TrimRight(r.stderr, "\n"), "\n")
	last := lines[len(lines)-1]
	for _, bad := range []string{"cannot reach the registry", "use --insecure"} {
		if strings.Contains(last, bad) {
			t.Errorf("error line for an upload cut after the registry answered says %q:\n%s", bad, last)
		}
	}
}
