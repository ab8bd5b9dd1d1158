package e2e

import (
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// bundleSubjects returns the subjects of the certificates in a PEM bundle,
// failing the test on a block that is not a certificate.
func bundleSubjects(t *testing.T, data []byte) []string {
	t.Helper()
	var subjects []string
	for rest := data; ; {
		var b *pem.Block
		if b, rest = pem.Decode(rest); b == nil {
			break
		}
		c, err := x509.ParseCertificate(b.Bytes)
		if b.Type != "CERTIFICATE" || err != nil {
			t.Fatalf("the image's CA bundle holds a %s block: %v", b.Type, err)
		}
		subjects = append(subjects, c.Subject.String())
	}
	return subjects
}

// TestAddCA builds examples/api with a test CA added to the default
// bundle (--add-ca FILE) and with the CA as the whole bundle (--ca-certs
// FILE): under runc in the host's network namespace the health check's
// HTTPS call to a loopback server signed by the test CA succeeds with
// --add-ca, and the image's /etc/ssl/certs/ca-certificates.crt holds the
// public roots (ISRG Root X1 among them) then the test CA; with --ca-certs
// FILE it holds the test CA only.
func TestAddCA(t *testing.T) {
	needTool(t, "runc")
	needRoot(t)
	ca := newTestCA(t)
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`{"status":"ok"}`))
	}))
	srv.TLS = &tls.Config{Certificates: []tls.Certificate{ca.server}}
	srv.Config.ErrorLog = log.New(io.Discard, "", 0)
	srv.StartTLS()
	defer srv.Close()
	url := srv.URL + "/healthz"

	caFile := filepath.Join(t.TempDir(), "corp-ca.pem")
	if err := os.WriteFile(caFile, append([]byte("# the corporate CA\n"), ca.certPEM...), 0o644); err != nil {
		t.Fatal(err)
	}
	api := filepath.Join(repoRoot, "examples", "api")
	added := filepath.Join(t.TempDir(), "added")
	r := runLeve(t, "", nil, "build", "--level", "fast", "--add-ca", caFile, "-o", added, api)
	if r.code != 0 {
		t.Fatalf("leve build --add-ca FILE examples/api: %s", r)
	}
	if !strings.Contains(r.stderr, "CA certificates from bundle + "+caFile) {
		t.Errorf("the build report does not say where the CA bundle came from:\n%s", r.stderr)
	}
	subjects := bundleSubjects(t, imageFile(t, added, "latest", "etc/ssl/certs/ca-certificates.crt"))
	if len(subjects) < 100 || !strings.Contains(strings.Join(subjects, "\n"), "CN=ISRG Root X1,O=Internet Security Research Group,C=US") {
		t.Errorf("with --add-ca the image's bundle has %d certificates; want the public roots (over 100, ISRG Root X1 among them)", len(subjects))
	}
	if len(subjects) == 0 || subjects[len(subjects)-1] != "CN=leve e2e test CA" {
		t.Errorf("with --add-ca the image's bundle does not end with the test CA: %q", subjects[max(0, len(subjects)-2):])
	}
	r = runImage(t, added, "latest", []string{"/app/api", "-healthcheck", url}, true)
	if r.code != 0 || !strings.Contains(r.stdout, "200 OK") || !strings.Contains(r.stdout, `"status":"ok"`) {
		t.Errorf("api -healthcheck %s with --add-ca FILE: %s\nwant exit 0 and 200 OK", url, r)
	}

	exact := filepath.Join(t.TempDir(), "exact")
	if r := runLeve(t, "", nil, "build", "--level", "fast", "--ca-certs", caFile, "-o", exact, api); r.code != 0 {
		t.Fatalf("leve build --ca-certs FILE examples/api: %s", r)
	}
	if got := bundleSubjects(t, imageFile(t, exact, "latest", "etc/ssl/certs/ca-certificates.crt")); len(got) != 1 || got[0] != "CN=leve e2e test CA" {
		t.Errorf("with --ca-certs FILE the image's bundle holds %d certificates, want the test CA only", len(got))
	}
}
