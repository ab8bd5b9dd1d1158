package pipeline

import (
	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/leve-build/leve/pkg/compile"
	"github.com/leve-build/leve/pkg/platform"
)

// platformOf converts an OCI platform to a build target; ok is false for
// one leve cannot build for.
func platformOf(p v1.Platform) (platform.Platform, bool) {
	cp, err := platform.Parse(platform.FromOCI(p).String())
	return cp, err == nil
}

// CgoError is compile's refusal of a target that uses cgo when
// Options.Compile.Cgo is off.
type CgoError = compile.CgoError
