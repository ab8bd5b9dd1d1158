package assemble

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// caPEM makes a self-signed CA certificate named cn, PEM-encoded.
func caPEM(t *testing.T, cn string) []byte {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: cn}, NotBefore: time.Now(), NotAfter: time.Now().Add(time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
}

func writeFile(t *testing.T, name string, data []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// subjects returns the subjects of the certificates of a PEM bundle.
func subjects(t *testing.T, data []byte) []string {
	t.Helper()
	_, s, err := ReadCertificates(writeFile(t, "bundle.pem", data))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestCACertificatesAddsToTheBundle(t *testing.T) {
	plain, err := CACertificates("bundle")
	if err != nil {
		t.Fatal(err)
	}
	roots := subjects(t, plain.Entries[0].Data)
	if len(roots) < 100 || !strings.Contains(strings.Join(roots, "\n"), "CN=ISRG Root X1,O=Internet Security Research Group,C=US") {
		t.Fatalf("the bundle has %d roots, want more than 100 with ISRG Root X1", len(roots))
	}
	corp := writeFile(t, "corp.pem", append([]byte("# our CA\n"), caPEM(t, "Corp Root CA")...))
	other := writeFile(t, "other.pem", append(caPEM(t, "Other CA"), caPEM(t, "Third CA")...))
	rf, err := CACertificates("bundle", corp, other, corp)
	if err != nil {
		t.Fatal(err)
	}
	got := subjects(t, rf.Entries[0].Data)
	if len(got) != len(roots)+3 || got[len(roots)] != "CN=Corp Root CA" || got[len(roots)+1] != "CN=Other CA" || got[len(roots)+2] != "CN=Third CA" {
		t.Errorf("bundle + corp.pem + other.pem + corp.pem has %d certificates ending %q; want the %d roots, then Corp, Other and Third once each", len(got), got[len(roots):], len(roots))
	}
	if rf.Entries[0].Path != CACertsPath || rf.Env[0] != "SSL_CERT_FILE="+CACertsPath || strings.Contains(string(rf.Entries[0].Data), "# our CA") {
		t.Errorf("entry %s env %q; want %s, SSL_CERT_FILE and the certificates re-encoded without comments", rf.Entries[0].Path, rf.Env, CACertsPath)
	}

	// --ca-certs FILE is exactly FILE; an added CA goes after it.
	exact, err := CACertificates(other)
	if err != nil {
		t.Fatal(err)
	}
	if got := subjects(t, exact.Entries[0].Data); len(got) != 2 {
		t.Errorf("--ca-certs other.pem gives %q, want its two certificates only", got)
	}
	both, err := CACertificates(other, corp)
	if err != nil {
		t.Fatal(err)
	}
	if got := subjects(t, both.Entries[0].Data); strings.Join(got, ";") != "CN=Other CA;CN=Third CA;CN=Corp Root CA" {
		t.Errorf("--ca-certs other.pem --add-ca corp.pem gives %q", got)
	}
}

func TestReadCertificatesRefuses(t *testing.T) {
	key := pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: []byte("secret")})
	for name, c := range map[string]struct {
		data []byte
		want string
	}{
		"empty.pem":   {nil, "holds no -----BEGIN CERTIFICATE----- block"},
		"der.crt":     {[]byte{0x30, 0x82, 0x01, 0x0a}, "holds no -----BEGIN CERTIFICATE----- block"},
		"withkey.pem": {append(caPEM(t, "x"), key...), "holds a block of type PRIVATE KEY; give certificates only"},
		"broken.pem":  {pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: []byte("junk")}), "certificate 1: x509:"},
	} {
		p := writeFile(t, name, c.data)
		_, err := CACertificates("bundle", p)
		if err == nil || !errors.Is(err, ErrNoCertificate) || !strings.Contains(err.Error(), p) || !strings.Contains(err.Error(), c.want) || strings.Contains(err.Error(), "\n") {
			t.Errorf("adding %s: %v\nwant one line naming the file and %q", name, err, c.want)
		}
		if _, err := CACertificates(p); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("--ca-certs %s: %v\nwant %q", name, err, c.want)
		}
	}
}
