package platform

import (
	"fmt"
	"slices"
	"strings"

	v1 "github.com/google/go-containerregistry/pkg/v1"
)

// Platform is a Linux target platform, written "linux/ARCH[/VARIANT]".
type Platform struct {
	OS      string // always "linux"
	Arch    string // GOARCH: amd64, arm64, arm, 386, ...
	Variant string // "v6"/"v7" for arm, "v2".."v4" for amd64; empty for the default
}

// Arches lists the GOARCH values leve builds Linux images for.
var Arches = []string{"386", "amd64", "arm", "arm64", "loong64", "mips", "mips64", "mips64le", "mipsle", "ppc64", "ppc64le", "riscv64", "s390x"}

// Default is linux/amd64.
var Default = Platform{OS: "linux", Arch: "amd64"}

// All are the platforms "all" stands for on scratch.
var All = []Platform{
	{OS: "linux", Arch: "amd64"}, {OS: "linux", Arch: "arm64"}, {OS: "linux", Arch: "arm", Variant: "v7"},
	{OS: "linux", Arch: "386"}, {OS: "linux", Arch: "ppc64le"}, {OS: "linux", Arch: "s390x"}, {OS: "linux", Arch: "riscv64"},
}

// ParseList parses a comma-separated list of platforms, or "all".
// Duplicates are an error.
func ParseList(s string) ([]Platform, error) {
	if s == "all" {
		return slices.Clone(All), nil
	}
	var out []Platform
	for _, part := range strings.Split(s, ",") {
		p, err := Parse(strings.TrimSpace(part))
		if err != nil {
			return nil, err
		}
		if slices.Contains(out, p) {
			return nil, fmt.Errorf("platform %s given twice", p)
		}
		out = append(out, p)
	}
	return out, nil
}

// Parse parses "linux/ARCH[/VARIANT]".
func Parse(s string) (Platform, error) {
	parts := strings.Split(s, "/")
	if len(parts) < 2 || len(parts) > 3 {
		return Platform{}, fmt.Errorf("platform %q: want linux/ARCH or linux/ARCH/VARIANT, e.g. linux/amd64", s)
	}
	p := Platform{OS: parts[0], Arch: parts[1]}
	if len(parts) == 3 {
		p.Variant = parts[2]
	}
	if p.OS != "linux" {
		return Platform{}, fmt.Errorf("platform %q: leve builds Linux images only; use linux/%s", s, p.Arch)
	}
	if !slices.Contains(Arches, p.Arch) {
		return Platform{}, fmt.Errorf("platform %q: unknown architecture %q; use one of %s", s, p.Arch, strings.Join(Arches, ", "))
	}
	if p.Variant != "" {
		if _, ok := p.variantEnv(); !ok {
			return Platform{}, fmt.Errorf("platform %q: unknown variant %q for %s", s, p.Variant, p.Arch)
		}
	}
	return p, nil
}

// String returns "linux/ARCH[/VARIANT]".
func (p Platform) String() string {
	s := p.OS + "/" + p.Arch
	if p.Variant != "" {
		s += "/" + p.Variant
	}
	return s
}

// OCI returns the platform as an OCI image index or config names it.
func (p Platform) OCI() v1.Platform {
	return v1.Platform{OS: p.OS, Architecture: p.Arch, Variant: p.Variant}
}

// FromOCI returns the platform an OCI descriptor or config names, as it
// is, without checking that leve builds for it (Parse its String for
// that).
func FromOCI(p v1.Platform) Platform {
	return Platform{OS: p.OS, Arch: p.Architecture, Variant: p.Variant}
}

// Of returns the OCI platform of an image config.
func Of(cf *v1.ConfigFile) v1.Platform {
	return v1.Platform{OS: cf.OS, Architecture: cf.Architecture, Variant: cf.Variant}
}

// Env returns the go build environment for the platform.
func (p Platform) Env() []string {
	env := []string{"GOOS=" + p.OS, "GOARCH=" + p.Arch}
	if v, ok := p.variantEnv(); ok && v != "" {
		env = append(env, v)
	}
	return env
}

// variantEnv maps the OCI variant to the Go environment variable that
// selects it. ok is false for a variant the architecture does not have.
func (p Platform) variantEnv() (string, bool) {
	if p.Variant == "" {
		return "", true
	}
	switch p.Arch {
	case "arm":
		if slices.Contains([]string{"v5", "v6", "v7"}, p.Variant) {
			return "GOARM=" + p.Variant[1:], true
		}
	case "amd64":
		if slices.Contains([]string{"v1", "v2", "v3", "v4"}, p.Variant) {
			return "GOAMD64=" + p.Variant, true
		}
	case "arm64":
		if p.Variant == "v8" {
			return "", true
		}
	}
	return "", false
}
