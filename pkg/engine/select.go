package engine

import (
	"context"
	"os/exec"
)

// Names lists the engines --engine accepts, in the order Select tries
// them.
var Names = []string{"docker", "podman", "runc", "crun"}

// Select returns the engine called name, or, for "", the first usable of:
// Docker when its socket answers, Podman when installed, runc, crun. It
// returns ErrNoEngine (wrapped in an *Error) when none is.
func Select(ctx context.Context, name string) (Engine, error) {
	switch name {
	case "docker":
		return Docker{}, nil
	case "podman":
		return Podman{}, nil
	case "runc", "crun":
		return Runtime{Binary: name}, nil
	case "":
	default:
		return nil, &ChoiceError{Setting: "engine", Value: name, Want: Names}
	}
	if (Docker{}).Available(ctx) {
		return Docker{}, nil
	}
	if _, err := exec.LookPath("podman"); err == nil {
		return Podman{}, nil
	}
	for _, rt := range []string{"runc", "crun"} {
		if _, err := exec.LookPath(rt); err == nil {
			return Runtime{Binary: rt}, nil
		}
	}
	return nil, &Error{Code: ExitEngine, Err: ErrNoEngine}
}
