package sbom

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"runtime/debug"
	"strings"
	"testing"
)

var (
	spdxIDPattern  = regexp.MustCompile(`^SPDXRef-[A-Za-z0-9.-]+$`)
	spdxTime       = regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$`)
	uuidURNPattern = regexp.MustCompile(`^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)
	purlPattern    = regexp.MustCompile(`^pkg:golang/[^@#?]+(@[^@#?]+)?(#.+)?$`)
)

// checkSPDX fails the test unless data holds the fields SPDX 2.3 requires,
// every SPDXID is well formed and unique, and every relationship joins
// elements of the document.
func checkSPDX(t *testing.T, data []byte) {
	t.Helper()
	var doc map[string]any
	mustUnmarshal(t, data, &doc)
	for _, f := range []string{"spdxVersion", "dataLicense", "SPDXID", "name", "documentNamespace", "creationInfo"} {
		if s, _ := doc[f].(string); s == "" && f != "creationInfo" {
			t.Errorf("document field %s is missing or empty", f)
		}
	}
	if doc["spdxVersion"] != "SPDX-2.3" || doc["dataLicense"] != "CC0-1.0" || doc["SPDXID"] != "SPDXRef-DOCUMENT" {
		t.Errorf("document header = %v %v %v", doc["spdxVersion"], doc["dataLicense"], doc["SPDXID"])
	}
	if ns, _ := doc["documentNamespace"].(string); !strings.HasPrefix(ns, spdxNamespaceBase) || strings.Contains(ns, "#") {
		t.Errorf("documentNamespace %q is not a leve URI without a fragment", ns)
	}
	ci, _ := doc["creationInfo"].(map[string]any)
	if c, _ := ci["created"].(string); !spdxTime.MatchString(c) {
		t.Errorf("creationInfo.created = %q, want YYYY-MM-DDThh:mm:ssZ", c)
	}
	if cs, _ := ci["creators"].([]any); len(cs) != 1 || cs[0] != "Tool: leve" {
		t.Errorf("creationInfo.creators = %v, want [Tool: leve]", ci["creators"])
	}
	ids := map[string]bool{"SPDXRef-DOCUMENT": true}
	pkgs, _ := doc["packages"].([]any)
	for _, p := range pkgs {
		p := p.(map[string]any)
		id, _ := p["SPDXID"].(string)
		if !spdxIDPattern.MatchString(id) || ids[id] {
			t.Errorf("package SPDXID %q is malformed or repeated", id)
		}
		ids[id] = true
		for _, f := range []string{"name", "downloadLocation"} {
			if s, _ := p[f].(string); s == "" {
				t.Errorf("package %s has no %s", id, f)
			}
		}
		if p["filesAnalyzed"] != false {
			t.Errorf("package %s: filesAnalyzed = %v, want false", id, p["filesAnalyzed"])
		}
		refs, _ := p["externalRefs"].([]any)
		if len(refs) != 1 {
			t.Fatalf("package %s has %d external refs, want its purl", id, len(refs))
		}
		ref := refs[0].(map[string]any)
		if loc, _ := ref["referenceLocator"].(string); ref["referenceType"] != "purl" || !purlPattern.MatchString(loc) {
			t.Errorf("package %s: external ref %v is not a golang purl", id, ref)
		}
	}
	rels, _ := doc["relationships"].([]any)
	describes := 0
	for _, r := range rels {
		r := r.(map[string]any)
		from, _ := r["spdxElementId"].(string)
		to, _ := r["relatedSpdxElement"].(string)
		if !ids[from] || !ids[to] {
			t.Errorf("relationship %v joins an element the document lacks", r)
		}
		switch r["relationshipType"] {
		case "DESCRIBES":
			describes++
		case "DEPENDS_ON":
		default:
			t.Errorf("unexpected relationship type %v", r["relationshipType"])
		}
	}
	if describes != 1 || len(rels) != len(pkgs) {
		t.Errorf("%d DESCRIBES and %d relationships for %d packages, want 1 and one per package", describes, len(rels), len(pkgs))
	}
}

// checkCycloneDX fails the test unless data is a CycloneDX 1.5 BOM with a
// version 5 UUID serial number, unique bom-refs, and dependencies that
// only name components of the BOM.
func checkCycloneDX(t *testing.T, data []byte) {
	t.Helper()
	var bom cdxBOM
	mustUnmarshal(t, data, &bom)
	if bom.BOMFormat != "CycloneDX" || bom.SpecVersion != "1.5" || bom.Version != 1 {
		t.Errorf("header = %s %s %d", bom.BOMFormat, bom.SpecVersion, bom.Version)
	}
	if !uuidURNPattern.MatchString(bom.SerialNumber) {
		t.Errorf("serialNumber %q is not a version 5 urn:uuid", bom.SerialNumber)
	}
	if !spdxTime.MatchString(bom.Metadata.Timestamp) {
		t.Errorf("timestamp %q is not in UTC seconds", bom.Metadata.Timestamp)
	}
	refs := map[string]bool{}
	for _, c := range append([]cdxComponent{bom.Metadata.Component}, bom.Components...) {
		if c.BOMRef == "" || refs[c.BOMRef] || c.BOMRef != c.PURL || !purlPattern.MatchString(c.PURL) {
			t.Errorf("component %s: bom-ref %q is empty, repeated or not its purl", c.Name, c.BOMRef)
		}
		refs[c.BOMRef] = true
	}
	if bom.Metadata.Component.Type != "application" {
		t.Errorf("metadata.component.type = %s, want application", bom.Metadata.Component.Type)
	}
	for _, c := range bom.Components {
		if c.Type != "library" {
			t.Errorf("component %s has type %s, want library", c.Name, c.Type)
		}
	}
	for _, d := range bom.Dependencies {
		for _, r := range append([]string{d.Ref}, d.DependsOn...) {
			if !refs[r] {
				t.Errorf("dependency names %q, which is no component", r)
			}
		}
	}
}

func TestGoldenSchema(t *testing.T) {
	for _, tc := range goldenCases {
		for _, f := range formats {
			t.Run(tc.name+f.ext, func(t *testing.T) {
				data, err := os.ReadFile(filepath.Join("testdata", tc.name+f.ext))
				if err != nil {
					t.Fatal(err)
				}
				if f.ext == ".spdx.json" {
					checkSPDX(t, data)
				} else {
					checkCycloneDX(t, data)
				}
				if !json.Valid(data) {
					t.Error("not valid JSON")
				}
			})
		}
	}
}

func TestSPDXIDCollision(t *testing.T) {
	info := noDeps()
	info.Deps = append(info.Deps, &debug.Module{Path: "example.com/a/b", Version: "v1.0.0"},
		&debug.Module{Path: "example.com/a.b", Version: "v1.0.0"},
		&debug.Module{Path: "example.com/a_b", Version: "v1.0.0"},
		&debug.Module{Path: "example.com/a-b", Version: "v1.0.0"})
	out, err := SPDX(info)
	if err != nil {
		t.Fatal(err)
	}
	checkSPDX(t, out)
}
