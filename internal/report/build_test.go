package report

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/leve-build/leve/pkg/pipeline"
)

var update = flag.Bool("update", false, "rewrite the golden files")

func sampleReport() *pipeline.Report {
	return &pipeline.Report{
		SchemaVersion: pipeline.SchemaVersion,
		Reference:     "hello:latest@sha256:4c9e2018a4e95498e5a6f34fa0702ce6a33de9f98c09345b33b8dbbe875b8e1b",
		Name:          "hello", Tag: "latest",
		Digest:    "sha256:4c9e2018a4e95498e5a6f34fa0702ce6a33de9f98c09345b33b8dbbe875b8e1b",
		MediaType: "application/vnd.oci.image.manifest.v1+json",
		PullSize:  733134,
		Images: []pipeline.ImageReport{{
			Platform: "linux/amd64",
			Digest:   "sha256:4c9e2018a4e95498e5a6f34fa0702ce6a33de9f98c09345b33b8dbbe875b8e1b",
			Binary: pipeline.BinaryReport{Name: "hello", Path: "/app/hello", Package: "example.com/hello", GoVersion: "go1.26.8",
				Static: true, SizeBefore: 2433214, SizeAfter: 1608258, Stripped: true,
				Needs:       []pipeline.Need{{Kind: "ca-certificates", Evidence: "crypto/x509.(*CertPool).AppendCertsFromPEM", InImage: true}, {Kind: "tzdata", Evidence: "linked: time.LoadLocation"}},
				TopPackages: []pipeline.PackageReport{{Path: "runtime", Size: 800000}, {Path: "fmt", Size: 60000}}, Attributed: 0.93},
			Layers: []pipeline.BlobReport{
				{Digest: "sha256:2e8a79337b14aaaa", Size: 243, UncompressedSize: 5120, CreatedBy: "leve: system files"},
				{Digest: "sha256:30dc71e36c9dbbbb", Size: 731543, UncompressedSize: 1610240, CreatedBy: "leve: /app/hello"},
			},
			Files:    []pipeline.FileReport{{Path: "/etc/ssl/certs/ca-certificates.crt", Size: 219812, Reason: "CA certificates from bundle (linked: crypto/x509.loadSystemRoots)"}},
			Config:   pipeline.BlobReport{Digest: "sha256:8a99d7c21312cccc", Size: 675},
			Manifest: pipeline.BlobReport{Digest: "sha256:4c9e2018a4e95498", Size: 673},
			PullSize: 733134,
			Stages: []pipeline.StageReport{
				{Name: "compile", Duration: 551 * time.Millisecond, Summary: "example.com/hello → hello"},
				{Name: "read", Duration: 3300 * time.Microsecond, Summary: "go1.26.8, static"},
				{Name: "optimize", Duration: 4 * time.Millisecond, Summary: "strip"},
				{Name: "package", Duration: 1500 * time.Millisecond, Summary: "2 layers"},
			},
		}},
		Ship:     pipeline.StageReport{Name: "ship", Duration: 25 * time.Millisecond, Summary: "layout leve-out/hello"},
		Outputs:  []pipeline.Output{{Kind: "layout", Location: "leve-out/hello"}},
		Warnings: []string{"an example warning"},
	}
}

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	p := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(p, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(p)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if diff := cmp.Diff(string(want), string(got)); diff != "" {
		t.Errorf("%s mismatch (-want +got):\n%s", name, diff)
	}
}

func TestBuildText(t *testing.T) {
	var b bytes.Buffer
	if err := Build(&b, sampleReport()); err != nil {
		t.Fatal(err)
	}
	golden(t, "build.txt.golden", b.Bytes())
}

func TestBuildJSON(t *testing.T) {
	var b bytes.Buffer
	if err := JSON(&b, sampleReport()); err != nil {
		t.Fatal(err)
	}
	golden(t, "build.json.golden", b.Bytes())
	var back pipeline.Report
	if err := json.Unmarshal(b.Bytes(), &back); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(*sampleReport(), back); diff != "" {
		t.Errorf("JSON round trip mismatch (-want +got):\n%s", diff)
	}
}

func TestThousands(t *testing.T) {
	for n, want := range map[int64]string{0: "0", 999: "999", 1000: "1,000", 733134: "733,134", -1234567: "-1,234,567"} {
		if got := thousands(n); got != want {
			t.Errorf("thousands(%d) = %q, want %q", n, got, want)
		}
	}
}
