package options

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/spf13/pflag"

	"github.com/leve-build/leve/pkg/pipeline"
)

// flags returns a Build with its defaults, then args parsed.
func flags(t *testing.T, args ...string) *Build {
	t.Helper()
	var b Build
	fs := pflag.NewFlagSet("build", pflag.ContinueOnError)
	b.AddFlags(fs)
	if err := fs.Parse(args); err != nil {
		t.Fatal(err)
	}
	return &b
}

func TestValidateUser(t *testing.T) {
	for _, u := range []string{"root", "nonroot", "65532", "1000:1000", "www-data:www-data", "app:0", "0:staff", "4294967294", "svc$"} {
		if o, err := flags(t, "--user", u, "--base", "oci:base").Validate("."); err != nil || o.Config.User != u {
			t.Errorf("--user %s: %q, %v; want it accepted", u, o.Config.User, err)
		}
	}
	for _, c := range [][]string{{"--user", "alice"}, {"--user", "1000:staff"}, {"--user", "nonroot", "--passwd", "none"}} {
		_, err := flags(t, c...).Validate(".")
		if err == nil || !strings.Contains(err.Error(), "on scratch the image's /etc/") || !strings.Contains(err.Error(), "would fail at run time") {
			t.Errorf("%q: %v; want a name leve's /etc/passwd lacks refused", c, err)
		}
	}
	passwd := filepath.Join(t.TempDir(), "passwd")
	if err := os.WriteFile(passwd, []byte("alice:x:1000:1000::/:/bin/false\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, c := range [][]string{{"--user", "alice", "--add", passwd + ":/etc/passwd"}, {"--user", "alice", "--base", "alpine:3.24"}, {"--user", "1000", "--passwd", "none"}} {
		if _, err := flags(t, c...).Validate("."); err != nil {
			t.Errorf("%q: %v; want it accepted", c, err)
		}
	}
	for _, u := range []string{"a:b:c", ":", "1000:", ":1000", "a b", "-1", "4294967295", "1000:4294967296", "root:", "x/y", "é"} {
		_, err := flags(t, "--user", u).Validate(".")
		if err == nil || !strings.HasPrefix(err.Error(), `--user "`+u+`": want USER or USER:GROUP`) || strings.Contains(err.Error(), "\n") {
			t.Errorf("--user %q: %v; want one line refusing it", u, err)
		}
	}
}

func writeCA(t *testing.T, dir, name string, blocks ...*pem.Block) string {
	t.Helper()
	var data []byte
	for _, b := range blocks {
		data = append(data, pem.EncodeToMemory(b)...)
	}
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestValidateCACerts(t *testing.T) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "Corp CA"}, NotBefore: time.Now(), NotAfter: time.Now().Add(time.Hour), IsCA: true, BasicConstraintsValid: true}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	ca := writeCA(t, dir, "ca.pem", &pem.Block{Type: "CERTIFICATE", Bytes: der})
	withKey := writeCA(t, dir, "withkey.pem", &pem.Block{Type: "CERTIFICATE", Bytes: der}, &pem.Block{Type: "EC PRIVATE KEY", Bytes: []byte("k")})
	notPEM := filepath.Join(dir, "ca.der")
	if err := os.WriteFile(notPEM, der, 0o644); err != nil {
		t.Fatal(err)
	}
	o, err := flags(t, "--add-ca", ca, "--add-ca", ca).Validate(".")
	if err != nil || o.Files.CACerts != (pipeline.CASource{}) || len(o.Files.AddCACerts) != 2 {
		t.Errorf("--add-ca twice: %q %q, %v", o.Files.CACerts, o.Files.AddCACerts, err)
	}
	o, err = flags(t, "--ca-certs", ca).Validate(".")
	if err != nil || o.Files.CACerts != (pipeline.CASource{Kind: pipeline.CAFile, File: ca}) || o.Files.CACerts.String() != ca {
		t.Errorf("--ca-certs FILE: %+v, %v; want a CAFile source of it", o.Files.CACerts, err)
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--add-ca", withKey}, "--add-ca: CA certificates: " + withKey + ": not a PEM certificate bundle: it holds a block of type EC PRIVATE KEY"},
		{[]string{"--add-ca", notPEM}, "--add-ca: CA certificates: " + notPEM + ": not a PEM certificate bundle: it holds no -----BEGIN CERTIFICATE----- block"},
		{[]string{"--add-ca", filepath.Join(dir, "missing.pem")}, "--add-ca: CA certificates: open "},
		{[]string{"--ca-certs", notPEM}, "--ca-certs: CA certificates: " + notPEM + ": not a PEM certificate bundle"},
		{[]string{"--ca-certs", "nosuch"}, `--ca-certs "nosuch": want auto, none, bundle, host or an existing PEM file`},
		{[]string{"--ca-certs", "none", "--add-ca", ca}, "--add-ca adds to the CA bundle and --ca-certs none leaves the bundle out"},
	} {
		_, err := flags(t, c.args...).Validate(".")
		if err == nil || !strings.HasPrefix(err.Error(), c.want) || strings.Contains(err.Error(), "\n") {
			t.Errorf("%q: %v\nwant one line starting %q", c.args, err, c.want)
		}
	}
}
