package sbom

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"runtime/debug"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

const testDigest = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

// noDeps is the build info of a program without dependencies.
func noDeps() *debug.BuildInfo {
	return &debug.BuildInfo{
		GoVersion: "go1.26.8",
		Path:      "example.com/hello",
		Main:      debug.Module{Path: "example.com/hello", Version: "(devel)"},
		Settings: []debug.BuildSetting{
			{Key: "-trimpath", Value: "true"},
			{Key: "CGO_ENABLED", Value: "0"},
			{Key: "GOARCH", Value: "amd64"},
			{Key: "GOOS", Value: "linux"},
			{Key: "GOAMD64", Value: "v1"},
		},
	}
}

// withDeps is the build info of a versioned command inside a module with
// dependencies, listed out of order.
func withDeps() *debug.BuildInfo {
	return &debug.BuildInfo{
		GoVersion: "go1.26.8 X:boringcrypto",
		Path:      "github.com/acme/tool/cmd/tool",
		Main:      debug.Module{Path: "github.com/acme/tool", Version: "v1.4.0", Sum: ""},
		Deps: []*debug.Module{
			{Path: "golang.org/x/sys", Version: "v0.30.0", Sum: "h1:QT4XtTgeXpXUHbyiNlNNkGWcQxUdQm6uL8Z7gmQUtWM="},
			{Path: "github.com/spf13/cobra", Version: "v1.10.2", Sum: "h1:DMTTonx5m65Ic0GOoRY2c16WCbHxOOw6xxezuLaBpcU="},
			{Path: "github.com/Azure/go-ansiterm", Version: "v0.0.0-20230124172434-306776ec8161", Sum: "h1:L/gRVlceqvL25UVaW/CKtUDjefjrs0SPonmDGUVOYP0="},
			{Path: "github.com/docker/docker", Version: "v28.0.1+incompatible", Sum: "h1:FCWdlJ8rWqFvdXuaQD9fsfDbwhh6Kp3WfhT+Fi7mKTg="},
		},
		Settings: []debug.BuildSetting{
			{Key: "GOARCH", Value: "arm"},
			{Key: "GOARM", Value: "7,softfloat"},
			{Key: "GOOS", Value: "linux"},
			{Key: "vcs", Value: "git"},
			{Key: "vcs.revision", Value: "3f1c2a7e9b0d4c5f6a7b8c9d0e1f2a3b4c5d6e7f"},
			{Key: "vcs.time", Value: "2026-11-01T12:00:00Z"},
			{Key: "vcs.modified", Value: "false"},
		},
	}
}

// withReplace is the build info of a program whose go.mod replaces one
// module by a fork and another by a local directory.
func withReplace() *debug.BuildInfo {
	return &debug.BuildInfo{
		GoVersion: "go1.26.8",
		Path:      "example.com/svc",
		Main:      debug.Module{Path: "example.com/svc", Version: "(devel)"},
		Deps: []*debug.Module{
			{Path: "example.com/lib", Version: "v1.2.0", Replace: &debug.Module{
				Path: "github.com/fork/lib", Version: "v1.2.1-fix", Sum: "h1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
			}},
			{Path: "example.com/local", Version: "v0.0.0-00010101000000-000000000000", Replace: &debug.Module{
				Path: "../local",
			}},
			{Path: "example.com/plain", Version: "v0.3.0", Sum: "h1:BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB="},
		},
	}
}

// goldenCases are the build infos and options whose documents are kept
// under testdata/.
var goldenCases = []struct {
	name string
	info func() *debug.BuildInfo
	opts []Option
}{
	{"nodeps", noDeps, nil},
	{"deps", withDeps, []Option{
		WithName("tool"), WithBinaryDigest("sha256:" + testDigest),
		WithCreated(time.Date(2026, 11, 26, 23, 0, 0, 999, time.FixedZone("x", 3600))),
	}},
	{"replace", withReplace, []Option{WithPlatform("linux/arm64"), WithBinaryDigest(testDigest)}},
}

// formats are the two generators with their golden file suffix.
var formats = []struct {
	ext string
	gen func(*debug.BuildInfo, ...Option) ([]byte, error)
}{
	{".spdx.json", SPDX},
	{".cdx.json", CycloneDX},
}

func TestGolden(t *testing.T) {
	for _, tc := range goldenCases {
		for _, f := range formats {
			t.Run(tc.name+f.ext, func(t *testing.T) {
				got, err := f.gen(tc.info(), tc.opts...)
				if err != nil {
					t.Fatal(err)
				}
				golden := filepath.Join("testdata", tc.name+f.ext)
				if *update {
					if err := os.WriteFile(golden, got, 0o644); err != nil {
						t.Fatal(err)
					}
				}
				want, err := os.ReadFile(golden)
				if err != nil {
					t.Fatalf("%v (run go test -update to create it)", err)
				}
				if diff := cmp.Diff(string(want), string(got)); diff != "" {
					t.Errorf("%s differs from %s (-want +got):\n%s", tc.name+f.ext, golden, diff)
				}
			})
		}
	}
}

func TestDeterministic(t *testing.T) {
	for _, f := range formats {
		t.Run(f.ext, func(t *testing.T) {
			first, err := f.gen(withDeps(), WithName("tool"))
			if err != nil {
				t.Fatal(err)
			}
			shuffled := withDeps()
			slices.Reverse(shuffled.Deps)
			second, err := f.gen(shuffled, WithName("tool"))
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(first, second) {
				t.Errorf("the same build info gave different bytes:\n%s", cmp.Diff(string(first), string(second)))
			}
			other, err := f.gen(withDeps(), WithName("tool"), WithCreated(time.Unix(1, 0)))
			if err != nil {
				t.Fatal(err)
			}
			if bytes.Equal(first, other) {
				t.Error("a different creation time gave the same bytes")
			}
		})
	}
}

func TestIdentifiersFollowContent(t *testing.T) {
	a, _ := SPDX(noDeps())
	b, _ := SPDX(noDeps(), WithBinaryDigest(testDigest))
	var da, db spdxDocument
	mustUnmarshal(t, a, &da)
	mustUnmarshal(t, b, &db)
	if da.DocumentNamespace == db.DocumentNamespace {
		t.Errorf("documentNamespace %s does not change with the binary digest", da.DocumentNamespace)
	}
	if !strings.HasPrefix(da.DocumentNamespace, "https://leve.build/spdx/hello-") {
		t.Errorf("documentNamespace = %s, want https://leve.build/spdx/hello-<sha256>", da.DocumentNamespace)
	}
	c, _ := CycloneDX(noDeps())
	d, _ := CycloneDX(noDeps(), WithBinaryDigest(testDigest))
	var bc, bd cdxBOM
	mustUnmarshal(t, c, &bc)
	mustUnmarshal(t, d, &bd)
	if bc.SerialNumber == bd.SerialNumber {
		t.Errorf("serialNumber %s does not change with the binary digest", bc.SerialNumber)
	}
}

// pkgSummary is what TestReplace checks of each SPDX package.
type pkgSummary struct{ Name, Version, PURL, SourceInfo, Comment string }

func TestReplace(t *testing.T) {
	out, err := SPDX(withReplace())
	if err != nil {
		t.Fatal(err)
	}
	var doc spdxDocument
	mustUnmarshal(t, out, &doc)
	var got []pkgSummary
	for _, p := range doc.Packages[1:] {
		got = append(got, pkgSummary{p.Name, p.VersionInfo, p.ExternalRefs[0].ReferenceLocator, p.SourceInfo, p.Comment})
	}
	want := []pkgSummary{
		{"example.com/local", "v0.0.0-00010101000000-000000000000",
			"pkg:golang/example.com/local",
			"replaced by local directory ../local", ""},
		{"example.com/plain", "v0.3.0", "pkg:golang/example.com/plain@v0.3.0", "",
			"go.sum: h1:BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB="},
		{"github.com/fork/lib", "v1.2.1-fix", "pkg:golang/github.com/fork/lib@v1.2.1-fix",
			"replaces example.com/lib@v1.2.0", "go.sum: h1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="},
		{"stdlib", "go1.26.8", "pkg:golang/stdlib@go1.26.8", "", ""},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("packages (-want +got):\n%s", diff)
	}
}

func TestErrors(t *testing.T) {
	tests := []struct {
		name string
		info *debug.BuildInfo
		opts []Option
		want string
	}{
		{"nil info", nil, nil, "no build info"},
		{"no main", &debug.BuildInfo{GoVersion: "go1.26.8"}, nil, "names no main module"},
		{"short digest", noDeps(), []Option{WithBinaryDigest("abc")}, "want 64 hex digits"},
		{"bad digest", noDeps(), []Option{WithBinaryDigest(strings.Repeat("z", 64))}, "want 64 hex digits"},
		{"bad platform", noDeps(), []Option{WithPlatform("linux")}, "want os/arch"},
		{"empty arch", noDeps(), []Option{WithPlatform("linux/")}, "want os/arch"},
	}
	for _, tc := range tests {
		for _, f := range formats {
			t.Run(tc.name+f.ext, func(t *testing.T) {
				_, err := f.gen(tc.info, tc.opts...)
				if err == nil || !strings.Contains(err.Error(), tc.want) {
					t.Errorf("error = %v, want one containing %q", err, tc.want)
				}
			})
		}
	}
}

func TestGoPURL(t *testing.T) {
	tests := []struct{ path, version, sub, want string }{
		{"golang.org/x/sys", "v0.30.0", "", "pkg:golang/golang.org/x/sys@v0.30.0"},
		{"github.com/docker/docker", "v28.0.1+incompatible", "", "pkg:golang/github.com/docker/docker@v28.0.1%2Bincompatible"},
		{"github.com/Azure/go-ansiterm", "v0.0.0-20230124172434-306776ec8161", "", "pkg:golang/github.com/Azure/go-ansiterm@v0.0.0-20230124172434-306776ec8161"},
		{"github.com/acme/tool", "", "cmd/tool", "pkg:golang/github.com/acme/tool#cmd/tool"},
		{"example.com/a b", "v1", "", "pkg:golang/example.com/a%20b@v1"},
		{"stdlib", "go1.26.8", "", "pkg:golang/stdlib@go1.26.8"},
	}
	for _, tc := range tests {
		if got := goPURL(tc.path, tc.version, tc.sub); got != tc.want {
			t.Errorf("goPURL(%q, %q, %q) = %s, want %s", tc.path, tc.version, tc.sub, got, tc.want)
		}
	}
}

func TestGoVersionAndPlatform(t *testing.T) {
	for in, want := range map[string]string{
		"go1.26.8": "go1.26.8", "go1.26.8 X:boringcrypto": "go1.26.8",
		"devel go1.27-abcdef Tue Nov 3 2026": "go1.27-abcdef", "": "",
	} {
		if got := goVersion(in); got != want {
			t.Errorf("goVersion(%q) = %q, want %q", in, got, want)
		}
	}
	if got := platformOf(withDeps().Settings); got != "linux/arm/v7" {
		t.Errorf("platform = %q, want linux/arm/v7", got)
	}
	if got := platformOf(nil); got != "" {
		t.Errorf("platform of no settings = %q, want none", got)
	}
}

func TestUUID5(t *testing.T) {
	// RFC 9562's name space for DNS names, and the well-known UUID of
	// www.example.com in it.
	dns := [16]byte{0x6b, 0xa7, 0xb8, 0x10, 0x9d, 0xad, 0x11, 0xd1, 0x80, 0xb4, 0x00, 0xc0, 0x4f, 0xd4, 0x30, 0xc8}
	if got, want := uuid5(dns, "www.example.com"), "2ed6657d-e927-568b-95e1-2665a8aea6a2"; got != want {
		t.Errorf("uuid5(dns, www.example.com) = %s, want %s", got, want)
	}
}

// mustUnmarshal decodes JSON data into v or fails the test.
func mustUnmarshal(t *testing.T, data []byte, v any) {
	t.Helper()
	if err := json.Unmarshal(data, v); err != nil {
		t.Fatalf("decoding %s: %v", data, err)
	}
}
