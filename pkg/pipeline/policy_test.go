package pipeline

import "testing"

// TestPolicyNames: every enum's names parse back to the value they name,
// the zero values are leve's defaults, and other names are refused.
func TestPolicyNames(t *testing.T) {
	for _, f := range []SBOMFormat{SBOMSPDX, SBOMCycloneDX, SBOMNone} {
		if got, ok := ParseSBOMFormat(f.String()); !ok || got != f {
			t.Errorf("SBOM %s: parsed back as %s, %v", f, got, ok)
		}
	}
	if _, ok := ParseSBOMFormat(""); ok {
		t.Error(`SBOM "" accepted`)
	}
	if _, ok := ParseSBOMFormat("spdx3"); ok {
		t.Error(`SBOM "spdx3" accepted`)
	}
	for _, p := range []LibsPolicy{LibsRefuse, LibsCopy} {
		if got, ok := ParseLibsPolicy(p.String()); !ok || got != p {
			t.Errorf("libs %q: parsed back as %q, %v", p, got, ok)
		}
	}
	if _, ok := ParseLibsPolicy("static"); ok {
		t.Error(`libs "static" accepted`)
	}
	for _, p := range []FilePolicy{FileAuto, FileNone} {
		if got, ok := ParseFilePolicy(p.String()); !ok || got != p {
			t.Errorf("file policy %s: parsed back as %s, %v", p, got, ok)
		}
	}
	for _, s := range []string{"", "host", "yes"} {
		if _, ok := ParseFilePolicy(s); ok {
			t.Errorf("file policy %q accepted", s)
		}
	}
	for s, want := range map[string]CASource{
		"auto": {}, "none": {Kind: CANone}, "bundle": {Kind: CABundle}, "host": {Kind: CAHost}, "/etc/ca.pem": {Kind: CAFile, File: "/etc/ca.pem"},
	} {
		got, ok := ParseCASource(s)
		if !ok || got != want || got.String() != s {
			t.Errorf("CA source %q: %+v (%q), %v; want %+v", s, got, got.String(), ok, want)
		}
	}
	if _, ok := ParseCASource(""); ok {
		t.Error(`CA source "" accepted`)
	}
	for c, want := range map[CASource]string{{}: "bundle", {Kind: CANone}: "bundle", {Kind: CAHost}: "host", {Kind: CAFile, File: "x.pem"}: "x.pem"} {
		if got := c.bundle(); got != want {
			t.Errorf("%+v.bundle() = %q, want %q", c, got, want)
		}
	}
	var zero Options
	if zero.SBOM != SBOMSPDX || zero.Files.Libs != LibsRefuse || zero.Files.TZData != FileAuto || zero.Files.CACerts.Kind != CAAuto {
		t.Errorf("the zero Options are not leve's defaults: %+v", zero)
	}
}
