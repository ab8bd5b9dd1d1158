package sbom

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/url"
	"runtime/debug"
	"strings"
)

// SPDX returns an SPDX 2.3 JSON document describing the binary whose build
// info is info: the application, DESCRIBED by the document, DEPENDS_ON one
// package per dependency module and one for the Go standard library. Each
// package carries its package URL as an external reference; the go.sum
// hash, when known, is kept in the package comment (see the package
// documentation). The same info and options always give the same bytes.
func SPDX(info *debug.BuildInfo, opts ...Option) ([]byte, error) {
	b, err := newBill(info, opts)
	if err != nil {
		return nil, fmt.Errorf("spdx: %w", err)
	}
	return encodeJSON(b.spdx())
}

// spdxDocument is the part of the SPDX 2.3 JSON schema leve writes.
type spdxDocument struct {
	SPDXVersion       string             `json:"spdxVersion"`
	DataLicense       string             `json:"dataLicense"`
	SPDXID            string             `json:"SPDXID"`
	Name              string             `json:"name"`
	DocumentNamespace string             `json:"documentNamespace"`
	CreationInfo      spdxCreationInfo   `json:"creationInfo"`
	Packages          []spdxPackage      `json:"packages"`
	Relationships     []spdxRelationship `json:"relationships"`
}

// spdxCreationInfo says who made the document and when.
type spdxCreationInfo struct {
	Created  string   `json:"created"`
	Creators []string `json:"creators"`
}

// spdxPackage is one SPDX package.
type spdxPackage struct {
	SPDXID                string            `json:"SPDXID"`
	Name                  string            `json:"name"`
	VersionInfo           string            `json:"versionInfo,omitempty"`
	DownloadLocation      string            `json:"downloadLocation"`
	FilesAnalyzed         bool              `json:"filesAnalyzed"`
	Checksums             []spdxChecksum    `json:"checksums,omitempty"`
	SourceInfo            string            `json:"sourceInfo,omitempty"`
	LicenseConcluded      string            `json:"licenseConcluded"`
	LicenseDeclared       string            `json:"licenseDeclared"`
	CopyrightText         string            `json:"copyrightText"`
	Comment               string            `json:"comment,omitempty"`
	ExternalRefs          []spdxExternalRef `json:"externalRefs"`
	PrimaryPackagePurpose string            `json:"primaryPackagePurpose"`
}

// spdxChecksum is one checksum of a package.
type spdxChecksum struct {
	Algorithm     string `json:"algorithm"`
	ChecksumValue string `json:"checksumValue"`
}

// spdxExternalRef is a reference to the package outside the document.
type spdxExternalRef struct {
	ReferenceCategory string `json:"referenceCategory"`
	ReferenceType     string `json:"referenceType"`
	ReferenceLocator  string `json:"referenceLocator"`
}

// spdxRelationship relates two SPDX elements.
type spdxRelationship struct {
	SPDXElementID      string `json:"spdxElementId"`
	RelationshipType   string `json:"relationshipType"`
	RelatedSPDXElement string `json:"relatedSpdxElement"`
}

// noAssertion is SPDX's value for a fact the document does not state.
const noAssertion = "NOASSERTION"

// spdxNamespaceBase prefixes every documentNamespace leve writes.
const spdxNamespaceBase = "https://leve.build/spdx/"

// spdx lays the bill out as an SPDX document.
func (b *bill) spdx() *spdxDocument {
	doc := &spdxDocument{
		SPDXVersion:       "SPDX-2.3",
		DataLicense:       "CC0-1.0",
		SPDXID:            "SPDXRef-DOCUMENT",
		Name:              b.Name,
		DocumentNamespace: spdxNamespaceBase + url.PathEscape(b.Name) + "-" + b.contentHash(),
		CreationInfo: spdxCreationInfo{
			Created:  b.created(),
			Creators: []string{"Tool: leve"},
		},
	}
	ids := map[string]bool{}
	app := spdxPackageOf(b.App, "SPDXRef-Application-", ids)
	app.PrimaryPackagePurpose = "APPLICATION"
	app.Comment = strings.Join(b.appNotes(), "\n")
	doc.Packages = append(doc.Packages, app)
	doc.Relationships = append(doc.Relationships, spdxRelationship{doc.SPDXID, "DESCRIBES", app.SPDXID})
	for _, c := range b.Deps {
		p := spdxPackageOf(c, "SPDXRef-Package-", ids)
		p.PrimaryPackagePurpose = "LIBRARY"
		doc.Packages = append(doc.Packages, p)
		doc.Relationships = append(doc.Relationships, spdxRelationship{app.SPDXID, "DEPENDS_ON", p.SPDXID})
	}
	return doc
}

// spdxPackageOf describes c as an SPDX package with a fresh SPDXID that
// starts with prefix; ids holds the SPDXIDs already taken.
func spdxPackageOf(c component, prefix string, ids map[string]bool) spdxPackage {
	id := prefix + spdxIDPart(c.Path)
	if c.Version != "" {
		id += "-" + spdxIDPart(c.Version)
	}
	if ids[id] {
		h := sha256.Sum256([]byte(c.PURL))
		id += "-" + hex.EncodeToString(h[:4])
	}
	ids[id] = true
	p := spdxPackage{
		SPDXID:           id,
		Name:             c.Path,
		VersionInfo:      c.Version,
		DownloadLocation: noAssertion,
		SourceInfo:       c.origin(),
		LicenseConcluded: noAssertion,
		LicenseDeclared:  noAssertion,
		CopyrightText:    noAssertion,
		ExternalRefs:     []spdxExternalRef{{"PACKAGE-MANAGER", "purl", c.PURL}},
	}
	if c.SHA256 != "" {
		p.Checksums = []spdxChecksum{{"SHA256", c.SHA256}}
	}
	if c.Sum != "" {
		p.Comment = "go.sum: " + c.Sum
	}
	return p
}

// spdxIDPart maps s onto the characters an SPDXID may hold: '/' becomes
// '.', and any other character outside [A-Za-z0-9.-] becomes '-'.
func spdxIDPart(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case 'a' <= r && r <= 'z', 'A' <= r && r <= 'Z', '0' <= r && r <= '9', r == '.', r == '-':
			return r
		case r == '/':
			return '.'
		}
		return '-'
	}, s)
}

// origin says where a replaced module came from, or "" when it is not
// replaced.
func (c component) origin() string {
	switch {
	case c.Replaces != "":
		return "replaces " + c.Replaces
	case c.LocalDir != "":
		return "replaced by local directory " + c.LocalDir
	}
	return ""
}

// appNotes are the facts about the application that neither format has a
// field for, as "key: value" lines.
func (b *bill) appNotes() []string {
	var notes []string
	if b.Platform != "" {
		notes = append(notes, "platform: "+b.Platform)
	}
	if b.GoVersion != "" {
		notes = append(notes, "go: "+b.GoVersion)
	}
	if b.App.Sum != "" {
		notes = append(notes, "go.sum: "+b.App.Sum)
	}
	for _, s := range b.Settings {
		notes = append(notes, s.Key+": "+s.Value)
	}
	return notes
}

// encodeJSON writes v as indented JSON with a final newline.
func encodeJSON(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return nil, fmt.Errorf("encoding json: %w", err)
	}
	return buf.Bytes(), nil
}
