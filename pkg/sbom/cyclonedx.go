package sbom

import (
	"crypto/sha1"
	"fmt"
	"net/url"
	"runtime/debug"
)

// CycloneDX returns a CycloneDX 1.5 JSON BOM describing the binary whose
// build info is info, with the same content as [SPDX]: the application as
// metadata.component, one component of type library per dependency module
// and one for the Go standard library, each with its package URL as
// bom-ref, and a dependency entry stating that the application depends on
// every one of them. The serialNumber is a name-based (version 5) UUID
// derived from a hash of the content. The same info and options always
// give the same bytes.
func CycloneDX(info *debug.BuildInfo, opts ...Option) ([]byte, error) {
	b, err := newBill(info, opts)
	if err != nil {
		return nil, fmt.Errorf("cyclonedx: %w", err)
	}
	return encodeJSON(b.cyclonedx())
}

// cdxBOM is the part of the CycloneDX 1.5 JSON schema leve writes.
type cdxBOM struct {
	BOMFormat    string          `json:"bomFormat"`
	SpecVersion  string          `json:"specVersion"`
	SerialNumber string          `json:"serialNumber"`
	Version      int             `json:"version"`
	Metadata     cdxMetadata     `json:"metadata"`
	Components   []cdxComponent  `json:"components"`
	Dependencies []cdxDependency `json:"dependencies"`
}

// cdxMetadata says when and by what the BOM was made, and what it
// describes.
type cdxMetadata struct {
	Timestamp string       `json:"timestamp"`
	Tools     cdxTools     `json:"tools"`
	Component cdxComponent `json:"component"`
}

// cdxTools lists the tools that made the BOM.
type cdxTools struct {
	Components []cdxComponent `json:"components"`
}

// cdxComponent is one CycloneDX component.
type cdxComponent struct {
	Type       string        `json:"type"`
	BOMRef     string        `json:"bom-ref,omitempty"`
	Name       string        `json:"name"`
	Version    string        `json:"version,omitempty"`
	Hashes     []cdxHash     `json:"hashes,omitempty"`
	PURL       string        `json:"purl,omitempty"`
	Properties []cdxProperty `json:"properties,omitempty"`
}

// cdxHash is one hash of a component.
type cdxHash struct {
	Alg     string `json:"alg"`
	Content string `json:"content"`
}

// cdxProperty is a name-value fact CycloneDX has no field for.
type cdxProperty struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// cdxDependency lists the components one component depends on.
type cdxDependency struct {
	Ref       string   `json:"ref"`
	DependsOn []string `json:"dependsOn"`
}

// cdxComponentOf describes c as a CycloneDX component of type typ.
func cdxComponentOf(c component, typ string) cdxComponent {
	out := cdxComponent{Type: typ, BOMRef: c.PURL, Name: c.Path, Version: c.Version, PURL: c.PURL}
	if c.SHA256 != "" {
		out.Hashes = []cdxHash{{"SHA-256", c.SHA256}}
	}
	if c.Sum != "" {
		out.Properties = append(out.Properties, cdxProperty{"leve:go.sum", c.Sum})
	}
	if c.Replaces != "" {
		out.Properties = append(out.Properties, cdxProperty{"leve:replaces", c.Replaces})
	}
	if c.LocalDir != "" {
		out.Properties = append(out.Properties, cdxProperty{"leve:replaced-by-dir", c.LocalDir})
	}
	return out
}

// cyclonedx lays the bill out as a CycloneDX BOM.
func (b *bill) cyclonedx() *cdxBOM {
	app := cdxComponentOf(b.App, "application")
	if b.Platform != "" {
		app.Properties = append(app.Properties, cdxProperty{"leve:platform", b.Platform})
	}
	if b.GoVersion != "" {
		app.Properties = append(app.Properties, cdxProperty{"leve:go", b.GoVersion})
	}
	for _, s := range b.Settings {
		app.Properties = append(app.Properties, cdxProperty{"leve:" + s.Key, s.Value})
	}
	bom := &cdxBOM{
		BOMFormat:    "CycloneDX",
		SpecVersion:  "1.5",
		SerialNumber: "urn:uuid:" + uuid5(urlNamespace, "https://leve.build/cyclonedx/"+url.PathEscape(b.Name)+"-"+b.contentHash()),
		Version:      1,
		Metadata: cdxMetadata{
			Timestamp: b.created(),
			Tools:     cdxTools{Components: []cdxComponent{{Type: "application", Name: "leve"}}},
			Component: app,
		},
		Components: []cdxComponent{},
	}
	deps := cdxDependency{Ref: app.BOMRef, DependsOn: []string{}}
	for _, c := range b.Deps {
		bom.Components = append(bom.Components, cdxComponentOf(c, "library"))
		deps.DependsOn = append(deps.DependsOn, c.PURL)
	}
	bom.Dependencies = []cdxDependency{deps}
	return bom
}

// urlNamespace is the RFC 9562 name space for names that are URLs.
var urlNamespace = [16]byte{0x6b, 0xa7, 0xb8, 0x11, 0x9d, 0xad, 0x11, 0xd1,
	0x80, 0xb4, 0x00, 0xc0, 0x4f, 0xd4, 0x30, 0xc8}

// uuid5 returns the version 5 (SHA-1, name-based) UUID of name in the
// name space ns, in its canonical textual form.
func uuid5(ns [16]byte, name string) string {
	h := sha1.New()
	h.Write(ns[:])
	h.Write([]byte(name))
	var u [16]byte
	copy(u[:], h.Sum(nil))
	u[6] = u[6]&0x0f | 0x50 // version 5
	u[8] = u[8]&0x3f | 0x80 // RFC 9562 variant
	return fmt.Sprintf("%x-%x-%x-%x-%x", u[0:4], u[4:6], u[6:8], u[8:10], u[10:16])
}
