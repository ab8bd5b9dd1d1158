package e2e

import (
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/leve-build/leve/internal/testutil"
)

// tlsRegistry starts Debian's docker-registry on a free loopback port,
// serving TLS with a certificate for 127.0.0.1 signed by a CA made for the
// test, and returns its host:port and the directory holding the CA as
// ca.pem (and as ca.crt, for skopeo's --cert-dir). It is stopped when the
// test ends.
func tlsRegistry(t *testing.T) (addr, caDir string) {
	t.Helper()
	bin := needTool(t, "docker-registry")
	ca := newTestCA(t)
	dir := t.TempDir()
	caDir = filepath.Join(dir, "ca")
	if err := os.Mkdir(caDir, 0o755); err != nil {
		t.Fatal(err)
	}
	key, err := x509.MarshalPKCS8PrivateKey(ca.server.PrivateKey)
	if err != nil {
		t.Fatal(err)
	}
	files := map[string][]byte{
		filepath.Join(caDir, "ca.pem"):   ca.certPEM,
		filepath.Join(caDir, "ca.crt"):   ca.certPEM,
		filepath.Join(dir, "server.pem"): pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: ca.server.Certificate[0]}),
		filepath.Join(dir, "server.key"): pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: key}),
	}
	for name, b := range files {
		if err := os.WriteFile(name, b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	if addr, err = testutil.FreeLoopbackAddr(); err != nil {
		t.Fatal(err)
	}
	config := filepath.Join(dir, "registry.yml")
	yml := fmt.Sprintf("version: 0.1\nlog: {level: warn}\nstorage: {filesystem: {rootdirectory: %s}}\nhttp: {addr: %s, tls: {certificate: %s, key: %s}}\n",
		filepath.Join(dir, "storage"), addr, filepath.Join(dir, "server.pem"), filepath.Join(dir, "server.key"))
	if err := os.WriteFile(config, []byte(yml), 0o644); err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(ca.certPEM)
	client := &http.Client{Timeout: time.Second, Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}
	svc, err := testutil.StartService("docker-registry (TLS)", exec.Command(bin, "serve", config), filepath.Join(dir, "registry.log"), 30*time.Second, 50*time.Millisecond, testutil.HTTPReady(client, "https://"+addr+"/v2/"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { svc.Stop(10 * time.Second) })
	return addr, caDir
}

// TestRegistryTLS pushes examples/hello to a TLS registry on loopback whose
// certificate a private CA signed: without trust leve exits 1 with one
// line naming the unknown authority and --registry-ca (not the HTTP 400
// of its plain-HTTP attempt); --registry-ca ca.pem, SSL_CERT_FILE=ca.pem,
// SSL_CERT_DIR=DIR and --insecure each push, and skopeo reads each image back by digest,
// trusting the CA or not verifying. The pushed image then serves as a
// --base, refused and accepted the same way.
func TestRegistryTLS(t *testing.T) {
	skopeo := needTool(t, "skopeo")
	addr, caDir := tlsRegistry(t)
	ca := filepath.Join(caDir, "ca.pem")
	hello := filepath.Join(repoRoot, "examples", "hello")
	push := func(env []string, tag string, flags ...string) result {
		args := append([]string{"build", "--level", "fast", "--push", addr + "/tls/hello:" + tag}, flags...)
		return runLeve(t, "", env, append(args, hello)...)
	}

	r := push(nil, "untrusted")
	msg := strings.TrimSpace(r.stderr)
	if r.code != 1 || !strings.Contains(msg, "unknown authority") || !strings.Contains(msg, "--registry-ca") || strings.Contains(msg, "HTTP 400") || strings.Contains(msg, "\n") {
		t.Errorf("push to the TLS registry without its CA: %s\nwant exit 1 and one line naming the unknown authority and --registry-ca", r)
	}

	for _, tc := range []struct {
		name   string
		env    []string
		flags  []string
		verify string // skopeo's flag to read it back
	}{
		{"registry-ca", nil, []string{"--registry-ca", ca}, "--cert-dir=" + caDir},
		{"ssl-cert-file", []string{"SSL_CERT_FILE=" + ca}, nil, "--cert-dir=" + caDir},
		{"ssl-cert-dir", []string{"SSL_CERT_DIR=" + caDir}, nil, "--cert-dir=" + caDir},
		{"insecure", nil, []string{"--insecure"}, "--tls-verify=false"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := push(tc.env, tc.name, tc.flags...)
			if r.code != 0 {
				t.Fatalf("push with %v %v: %s", tc.env, tc.flags, r)
			}
			ref := parseRef(t, r)
			out := mustRun(t, "", "", nil, skopeo, "inspect", tc.verify, "--format", "{{.Digest}}", "docker://"+addr+"/tls/hello:"+tc.name)
			if got := strings.TrimSpace(out.stdout); got != ref.digest {
				t.Errorf("skopeo inspect %s: digest %s, want the pushed %s", tc.verify, got, ref.digest)
			}
		})
	}

	base := addr + "/tls/hello:registry-ca"
	r = runLeve(t, "", nil, "build", "--level", "fast", "--base", base, "-o", filepath.Join(t.TempDir(), "untrusted"), hello)
	if msg := strings.TrimSpace(r.stderr); r.code != 1 || !strings.Contains(msg, "base "+base) || !strings.Contains(msg, "unknown authority") || strings.Contains(msg, "\n") {
		t.Errorf("--base from the TLS registry without its CA: %s\nwant exit 1 and one line naming the base and the unknown authority", r)
	}
	for _, flag := range [][]string{{"--registry-ca", ca}, {"--insecure"}} {
		out := filepath.Join(t.TempDir(), "layout")
		args := append([]string{"build", "--level", "fast", "--base", base, "-o", out}, flag...)
		if r := runLeve(t, "", nil, append(args, hello)...); r.code != 0 {
			t.Errorf("--base from the TLS registry with %v: %s", flag, r)
		}
	}
}

// TestPushClosedPortInsecure pushes with --insecure to a loopback port
// nothing listens on: the one-line error says the registry cannot be
// reached and, --insecure being given already, does not suggest it.
func TestPushClosedPortInsecure(t *testing.T) {
	addr, err := testutil.FreeLoopbackAddr()
	if err != nil {
		t.Fatal(err)
	}
	r := runLeve(t, "", nil, "build", "--level", "fast", "--insecure", "--push", addr+"/closed/hello", filepath.Join(repoRoot, "examples", "hello"))
	msg := strings.TrimSpace(r.stderr)
	if r.code != 1 || !strings.Contains(msg, "cannot reach the registry") || strings.Contains(msg, "--insecure") || strings.Contains(msg, "\n") {
		t.Errorf("push with --insecure to a closed port: %s\nwant exit 1 and one line saying it cannot be reached, without suggesting --insecure", r)
	}
}

// TestRegistryCABadFile gives --registry-ca a missing file and one without
// a certificate: each exits 1 at once with one line naming the file.
func TestRegistryCABadFile(t *testing.T) {
	notPEM := filepath.Join(t.TempDir(), "notes.txt")
	if err := os.WriteFile(notPEM, []byte("not a certificate\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{filepath.Join(t.TempDir(), "missing.pem"), notPEM} {
		r := runLeve(t, "", nil, "build", "--registry-ca", f, "-o", filepath.Join(t.TempDir(), "out"), filepath.Join(repoRoot, "examples", "hello"))
		msg := strings.TrimSpace(r.stderr)
		if r.code != 1 || !strings.Contains(msg, "--registry-ca") || !strings.Contains(msg, f) || strings.Contains(msg, "\n") {
			t.Errorf("leve build --registry-ca %s: %s\nwant exit 1 and one line naming the flag and the file", f, r)
		}
	}
}
