package e2e

import (
	"crypto/tls"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestRuntimeFiles builds examples/api twice, with a test CA as its
// certificates (--ca-certs FILE) and with no run-time files at all
// (--ca-certs none --tzdata none), and runs each under runc in the host's
// network namespace: the health check's HTTPS call to a loopback TLS server
// signed by the test CA succeeds only with the CA, and
// time.LoadLocation("America/Sao_Paulo") works only with the zone data.
func TestRuntimeFiles(t *testing.T) {
	needTool(t, "runc")
	needRoot(t)
	ca := newTestCA(t)
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`{"status":"ok"}`))
	}))
	srv.TLS = &tls.Config{Certificates: []tls.Certificate{ca.server}}
	srv.Config.ErrorLog = log.New(io.Discard, "", 0) // the refused handshake is expected
	srv.StartTLS()
	defer srv.Close()
	url := srv.URL + "/healthz"

	caFile := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(caFile, ca.certPEM, 0o644); err != nil {
		t.Fatal(err)
	}
	api := filepath.Join(repoRoot, "examples", "api")
	with := filepath.Join(t.TempDir(), "with")
	if r := runLeve(t, "", nil, "build", "--level", "fast", "--ca-certs", caFile, "-o", with, api); r.code != 0 {
		t.Fatalf("leve build --ca-certs FILE examples/api: %s", r)
	}
	without := filepath.Join(t.TempDir(), "without")
	if r := runLeve(t, "", nil, "build", "--level", "fast", "--ca-certs", "none", "--tzdata", "none", "-o", without, api); r.code != 0 {
		t.Fatalf("leve build --ca-certs none --tzdata none examples/api: %s", r)
	}

	t.Run("ca-certs FILE", func(t *testing.T) {
		r := runImage(t, with, "latest", []string{"/app/api", "-healthcheck", url}, true)
		if r.code != 0 || !strings.Contains(r.stdout, "200 OK") || !strings.Contains(r.stdout, `"status":"ok"`) {
			t.Errorf("api -healthcheck %s with --ca-certs FILE: %s\nwant exit 0 and 200 OK", url, r)
		}
	})
	t.Run("ca-certs none", func(t *testing.T) {
		r := runImage(t, without, "latest", []string{"/app/api", "-healthcheck", url}, true)
		if r.code == 0 || !strings.Contains(r.stderr, "certificate signed by unknown authority") {
			t.Errorf("api -healthcheck %s with --ca-certs none: %s\nwant a failure: certificate signed by unknown authority", url, r)
		}
	})
	t.Run("tzdata auto", func(t *testing.T) {
		r := runImage(t, with, "latest", []string{"/app/api", "-zone", "America/Sao_Paulo"}, false)
		if r.code != 0 || !strings.Contains(r.stdout, "America/Sao_Paulo -03 UTC-03:00") {
			t.Errorf("api -zone America/Sao_Paulo: %s\nwant exit 0 and \"America/Sao_Paulo -03 UTC-03:00\"", r)
		}
	})
	t.Run("tzdata none", func(t *testing.T) {
		r := runImage(t, without, "latest", []string{"/app/api", "-zone", "America/Sao_Paulo"}, false)
		if r.code == 0 || !strings.Contains(r.stderr, `loading time zone "America/Sao_Paulo"`) {
			t.Errorf("api -zone America/Sao_Paulo with --tzdata none: %s\nwant a failure loading the zone", r)
		}
	})
}
