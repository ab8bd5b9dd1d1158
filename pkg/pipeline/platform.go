package pipeline

import (
	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/leve-build/leve/pkg/compile"
)

// Platform is a Linux target platform, "linux/ARCH[/VARIANT]": the one
// platform type of leve, compile's, named here for the pipeline's callers.
type Platform = compile.Platform

// DefaultPlatform is linux/amd64, what a build targets by default.
var DefaultPlatform = compile.DefaultPlatform

// ParsePlatform parses "linux/ARCH[/VARIANT]".
func ParsePlatform(s string) (Platform, error) { return compile.ParsePlatform(s) }

// ParsePlatforms parses a comma-separated list of platforms, or "all".
func ParsePlatforms(s string) ([]Platform, error) { return compile.ParsePlatforms(s) }

// platformOf converts an OCI platform to a build target; ok is false for
// one leve cannot build for.
func platformOf(p v1.Platform) (Platform, bool) {
	cp, err := compile.ParsePlatform(Platform{OS: p.OS, Arch: p.Architecture, Variant: p.Variant}.String())
	return cp, err == nil
}

// CgoError is compile's refusal of a target that uses cgo when Options.Cgo
// is off.
type CgoError = compile.CgoError
