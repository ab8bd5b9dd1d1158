package sbom

import (
	"crypto/sha256"
	"debug/buildinfo"
	"encoding/hex"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// buildTiny builds a program from a module without dependencies and
// returns the binary's path. It needs only the go command, no network.
func buildTiny(t *testing.T) string {
	t.Helper()
	gobin, err := exec.LookPath("go")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("the go command is required in CI")
		}
		t.Skip("no go command in PATH")
	}
	dir := t.TempDir()
	files := map[string]string{
		"go.mod":  "module example.com/tiny\n\ngo 1.22\n",
		"main.go": "package main\n\nimport \"fmt\"\n\nfunc main() { fmt.Println(\"tiny\") }\n",
	}
	for name, text := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	out := filepath.Join(dir, "tiny")
	cmd := exec.Command(gobin, "build", "-trimpath", "-buildvcs=false", "-o", out, ".")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOOS=linux", "GOARCH=amd64",
		"GOFLAGS=", "GOWORK=off", "GOPROXY=off", "GOTOOLCHAIN=local")
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, b)
	}
	return out
}

func TestRealBinary(t *testing.T) {
	bin := buildTiny(t)
	info, err := buildinfo.ReadFile(bin)
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(bin)
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(data)
	digest := hex.EncodeToString(sum[:])
	opts := []Option{WithBinaryDigest(digest)}

	spdx, err := SPDX(info, opts...)
	if err != nil {
		t.Fatal(err)
	}
	checkSPDX(t, spdx)
	var doc spdxDocument
	mustUnmarshal(t, spdx, &doc)
	if len(doc.Packages) != 2 {
		t.Fatalf("got %d packages, want the application and stdlib:\n%s", len(doc.Packages), spdx)
	}
	app, std := doc.Packages[0], doc.Packages[1]
	if app.Name != "example.com/tiny" || doc.Name != "tiny" {
		t.Errorf("application %q in document %q, want example.com/tiny in tiny", app.Name, doc.Name)
	}
	if len(app.Checksums) != 1 || app.Checksums[0].ChecksumValue != digest {
		t.Errorf("application checksums = %v, want SHA256 %s", app.Checksums, digest)
	}
	if !strings.Contains(app.Comment, "platform: linux/amd64") {
		t.Errorf("application comment %q does not name the platform from the build settings", app.Comment)
	}
	goVer := strings.Fields(info.GoVersion)[0]
	if std.Name != "stdlib" || std.VersionInfo != goVer || std.ExternalRefs[0].ReferenceLocator != "pkg:golang/stdlib@"+goVer {
		t.Errorf("stdlib package = %+v, want version %s", std, goVer)
	}

	cdx, err := CycloneDX(info, opts...)
	if err != nil {
		t.Fatal(err)
	}
	checkCycloneDX(t, cdx)
	var bom cdxBOM
	mustUnmarshal(t, cdx, &bom)
	if got := bom.Metadata.Component; got.Name != "example.com/tiny" || len(got.Hashes) != 1 || got.Hashes[0].Content != digest {
		t.Errorf("metadata.component = %+v, want example.com/tiny with SHA-256 %s", got, digest)
	}
	if len(bom.Components) != 1 || bom.Components[0].PURL != "pkg:golang/stdlib@"+goVer {
		t.Errorf("components = %+v, want only stdlib %s", bom.Components, goVer)
	}
}
