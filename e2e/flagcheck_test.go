package e2e

import (
	"encoding/pem"
	"os"
	"path/filepath"
	"testing"
)

// TestBuildFlagChecks gives leve build a --user outside USER[:GROUP], an
// --add onto the binary's path and CA files that are not PEM certificates:
// each exits 1 with one line naming the flag and the fix, and writes no
// output directory.
func TestBuildFlagChecks(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "hello.txt")
	keyFile := filepath.Join(dir, "key.pem")
	if err := os.WriteFile(file, []byte("hi\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	key := pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: []byte("secret")})
	if err := os.WriteFile(keyFile, append(newTestCA(t).certPEM, key...), 0o600); err != nil {
		t.Fatal(err)
	}
	hello := filepath.Join(repoRoot, "examples", "hello")
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--user", "a:b:c"}, `--user "a:b:c": want USER or USER:GROUP, each a name or a number`},
		{[]string{"--user", "1000:"}, `--user "1000:": want USER or USER:GROUP`},
		{[]string{"--user", "alice"}, `--user "alice": on scratch the image's /etc/passwd has root and nonroot only, so alice would fail at run time`},
		{[]string{"--add", file + ":/app/hello"}, "--add " + file + ":/app/hello: it would shadow the binary: /app/hello is the binary's path; choose another DEST"},
		{[]string{"--add", file + ":/app"}, "/app is the binary's directory; give /app/ to copy hello.txt into it"},
		{[]string{"--add-ca", keyFile}, "--add-ca: CA certificates: " + keyFile + ": not a PEM certificate bundle: it holds a block of type PRIVATE KEY; give certificates only"},
		{[]string{"--add-ca", file}, "it holds no -----BEGIN CERTIFICATE----- block"},
		{[]string{"--ca-certs", file}, "--ca-certs: CA certificates: " + file + ": not a PEM certificate bundle"},
		{[]string{"--ca-certs", "none", "--add-ca", keyFile}, "--add-ca adds to the CA bundle and --ca-certs none leaves the bundle out"},
	} {
		out := filepath.Join(t.TempDir(), "out")
		r := runLeve(t, "", nil, append(append([]string{"build", "-o", out}, c.args...), hello)...)
		if r.code != 1 {
			t.Errorf("leve build %q: %s\nwant exit 1", c.args, r)
		}
		checkOneErrorLine(t, r.stderr, []string{c.want})
		if _, err := os.Stat(out); !os.IsNotExist(err) {
			t.Errorf("leve build %q wrote %s (%v)", c.args, out, err)
		}
	}
	// The documented forms are accepted.
	out := filepath.Join(t.TempDir(), "ok")
	r := runLeve(t, "", nil, "build", "--level", "fast", "-o", out, "--user", "1000:1000", "--add", file+":/app/", hello)
	if r.code != 0 {
		t.Fatalf("leve build --user 1000:1000 --add FILE:/app/: %s", r)
	}
	if got := string(imageFile(t, out, "latest", "app/hello.txt")); got != "hi\n" {
		t.Errorf("--add FILE:/app/ put %q at /app/hello.txt, want the file's content", got)
	}
}
