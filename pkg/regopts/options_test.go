package regopts

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"io"
	"log"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/v1/remote"
)

// writePEM writes the DER certificate as a PEM file and returns its path.
func writePEM(t *testing.T, der []byte) string {
	t.Helper()
	f := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(f, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o644); err != nil {
		t.Fatal(err)
	}
	return f
}

// tlsServer starts an HTTPS server answering 200 with cert (nil: the
// httptest certificate, for 127.0.0.1 and example.com).
func tlsServer(t *testing.T, cert *tls.Certificate) *httptest.Server {
	t.Helper()
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {}))
	if cert != nil {
		srv.TLS = &tls.Config{Certificates: []tls.Certificate{*cert}}
	}
	srv.Config.ErrorLog = log.New(io.Discard, "", 0) // refused handshakes are expected
	srv.StartTLS()
	t.Cleanup(srv.Close)
	return srv
}

// get sends GET url through o's transport.
func get(t *testing.T, o Options, url string) error {
	t.Helper()
	rt, err := o.RoundTripper()
	if err != nil {
		t.Fatalf("RoundTripper: %v", err)
	}
	req, err := http.NewRequestWithContext(context.Background(), http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := (&http.Client{Transport: rt, Timeout: 10 * time.Second}).Do(req)
	if err != nil {
		return err
	}
	resp.Body.Close()
	return nil
}

// expiredCert returns a self-signed certificate for 127.0.0.1 that
// expired an hour ago, with its DER.
func expiredCert(t *testing.T) (tls.Certificate, []byte) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(7), Subject: pkix.Name{CommonName: "127.0.0.1"},
		IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)}, NotBefore: now.Add(-2 * time.Hour), NotAfter: now.Add(-time.Hour),
		IsCA: true, BasicConstraintsValid: true,
		KeyUsage:    x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}, der
}

// testFixes are words for the fixes that tests look for.
var testFixes = Fixes{TrustCA: "TRUST-CA", SkipVerify: "SKIP-VERIFY", AllowHTTP: "ALLOW-HTTP"}

// explained returns Explain's problem worded with testFixes, "" for none.
func explained(err error, o Options) string {
	if p := Explain(err, o); p != nil {
		return p.Message(testFixes)
	}
	return ""
}

func TestTrust(t *testing.T) {
	srv := tlsServer(t, nil)
	ca := writePEM(t, srv.Certificate().Raw)

	err := get(t, Options{}, srv.URL)
	if err == nil {
		t.Fatal("GET with the system roots only succeeded, want an unknown-authority error")
	}
	for _, o := range []Options{{}, {Insecure: true}} {
		p := Explain(err, o)
		if p == nil || p.Kind != UnknownAuthority {
			t.Fatalf("Explain(%v, insecure %v) = %+v, want UnknownAuthority", err, o.Insecure, p)
		}
		got := p.Message(testFixes)
		for _, want := range []string{"unknown authority", "; TRUST-CA"} {
			if !strings.Contains(got, want) {
				t.Errorf("Explain(%v, insecure %v).Message = %q, want it to name %q", err, o.Insecure, got, want)
			}
		}
		if strings.Contains(got, "SKIP-VERIFY") == o.Insecure {
			t.Errorf("Explain(insecure %v).Message = %q: offers to skip verification %v, want %v", o.Insecure, got, o.Insecure, !o.Insecure)
		}
		if e := p.Error(); strings.Contains(e, "--") || !strings.Contains(e, "trust its CA") {
			t.Errorf("Explain(insecure %v).Error() = %q, want the fixes in words, naming no flag", o.Insecure, e)
		}
	}
	if err := get(t, Options{CAFiles: []string{ca}}, srv.URL); err != nil {
		t.Errorf("GET with CAFiles [the server's CA] = %v, want success", err)
	}
	if err := get(t, Options{Insecure: true}, srv.URL); err != nil {
		t.Errorf("GET with Insecure = %v, want success (no verification)", err)
	}

	// The httptest certificate names 127.0.0.1 and example.com, not localhost.
	_, port, _ := net.SplitHostPort(srv.Listener.Addr().String())
	err = get(t, Options{CAFiles: []string{ca}}, "https://localhost:"+port)
	if got := explained(err, Options{}); !strings.Contains(got, "not valid for the name") || !strings.Contains(got, "SKIP-VERIFY") {
		t.Errorf("GET https://localhost with a certificate for 127.0.0.1: Explain(%v) = %q, want the name mismatch and --insecure", err, got)
	}
}

func TestExplainExpired(t *testing.T) {
	cert, der := expiredCert(t)
	srv := tlsServer(t, &cert)
	err := get(t, Options{CAFiles: []string{writePEM(t, der)}}, srv.URL)
	if got := explained(err, Options{}); !strings.Contains(got, "expired") {
		t.Errorf("GET with an expired certificate: Explain(%v) = %q, want it to say expired", err, got)
	}
}

func TestExplainPlainHTTP(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
	defer srv.Close()
	err := get(t, Options{}, strings.Replace(srv.URL, "http:", "https:", 1))
	if got := explained(err, Options{}); !strings.Contains(got, "plain HTTP") || !strings.Contains(got, "ALLOW-HTTP") {
		t.Errorf("HTTPS to a plain-HTTP server: Explain(%v) = %q, want plain HTTP and --insecure", err, got)
	}
}

func TestExplainClosedPort(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	err = get(t, Options{}, "https://"+addr+"/v2/")
	if err == nil {
		t.Fatal("GET of a closed port succeeded")
	}
	if got := explained(err, Options{}); !strings.Contains(got, "cannot reach") || !strings.Contains(got, "ALLOW-HTTP") {
		t.Errorf("Explain(closed port) = %q, want cannot reach and --insecure", got)
	}
	if got := explained(err, Options{Insecure: true}); !strings.Contains(got, "cannot reach") || strings.Contains(got, "ALLOW-HTTP") {
		t.Errorf("Explain(closed port, Insecure) = %q, want cannot reach without suggesting --insecure again", got)
	}
	if got := Explain(errors.New("HTTP 500"), Options{}); got != nil {
		t.Errorf("Explain(HTTP 500) = %v, want nil (the caller words it)", got)
	}
}

func TestCheck(t *testing.T) {
	empty := filepath.Join(t.TempDir(), "empty.pem")
	if err := os.WriteFile(empty, []byte("not a certificate\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := (Options{CAFiles: []string{empty}}).Check(); !errors.Is(err, ErrNoCertificates) {
		t.Errorf("Check(a file without PEM) = %v, want ErrNoCertificates", err)
	}
	if err := (Options{CAFiles: []string{filepath.Join(t.TempDir(), "missing.pem")}}).Check(); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("Check(a missing file) = %v, want ErrNotExist", err)
	}
	if err := (Options{}).Check(); err != nil {
		t.Errorf("Check(no CA files) = %v, want nil", err)
	}
}

// TestExplainAnswered reads from a plain-HTTP loopback registry that
// answers 500: remote tries HTTPS (refused: plain HTTP) and HTTP (500) at
// once, and the answer, not the refused TLS attempt, explains the error.
func TestExplainAnswered(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		http.Error(w, "down", http.StatusInternalServerError)
	}))
	defer srv.Close()
	ref, err := name.ParseReference(strings.TrimPrefix(srv.URL, "http://") + "/x/y:1")
	if err != nil {
		t.Fatal(err)
	}
	opts, err := Options{}.RemoteOptions(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	_, err = remote.Head(ref, append(opts, remote.WithRetryStatusCodes())...)
	if err == nil {
		t.Fatal("HEAD from a registry answering 500 succeeded")
	}
	if got := Explain(err, Options{}); got != nil {
		t.Errorf("Explain(%v) = %v, want nil (the registry answered HTTP 500)", err, got)
	}
}
