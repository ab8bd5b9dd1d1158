package pipeline

import (
	"strings"
	"testing"

	"github.com/leve-build/leve/pkg/exe"
)

// TestLinkingError checks the refusal of a dynamic binary on scratch: a PIE
// without cgo is told to drop -buildmode=pie, a cgo binary to turn cgo
// off, and neither shows an empty library list.
func TestLinkingError(t *testing.T) {
	const loader = "/lib64/ld-linux-x86-64.so.2"
	for _, tc := range []struct {
		name    string
		l       exe.Linking
		want    []string
		notWant []string
	}{
		{"pie", exe.Linking{Interpreter: loader, PIE: true}, []string{"-buildmode=pie", "GOFLAGS=", loader, "--libs=copy"}, []string{"CGO_ENABLED", "libraries ,", "libraries )"}},
		{"cgo", exe.Linking{Interpreter: loader, Needed: []string{"libc.so.6"}, Cgo: true, PIE: true}, []string{"CGO_ENABLED=0", "libc.so.6", loader}, []string{"-buildmode=pie"}},
		{"no libraries", exe.Linking{Interpreter: loader, Cgo: true}, []string{"CGO_ENABLED=0", "libraries none"}, []string{"libraries )"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			msg := linkingError("app", tc.l).Error()
			for _, w := range tc.want {
				if !strings.Contains(msg, w) {
					t.Errorf("linkingError = %q, want %q in it", msg, w)
				}
			}
			for _, w := range tc.notWant {
				if strings.Contains(msg, w) {
					t.Errorf("linkingError = %q, want no %q in it", msg, w)
				}
			}
		})
	}
}
