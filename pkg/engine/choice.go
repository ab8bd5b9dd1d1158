package engine

import (
	"fmt"
	"strings"
)

// A ChoiceError is a value of a setting (Setting "engine" or "network")
// that is none of those Want lists.
type ChoiceError struct {
	Setting, Value string
	Want           []string
}

func (e *ChoiceError) Error() string {
	return fmt.Sprintf("unknown %s %q: %s", e.Setting, e.Value, e.WantText())
}

// WantText says which values are accepted: "want none or host".
func (e *ChoiceError) WantText() string {
	w := e.Want
	if len(w) < 2 {
		return "want " + strings.Join(w, "")
	}
	return "want " + strings.Join(w[:len(w)-1], ", ") + " or " + w[len(w)-1]
}

// A NeedsRootError refuses an OCI runtime run by a user other than root:
// leve does not set up rootless containers.
type NeedsRootError struct{ Engine string }

func (e *NeedsRootError) Error() string { return e.Message("use the docker or podman engine") }

// Message words the refusal with other, how to choose another engine.
func (e *NeedsRootError) Message(other string) string {
	return fmt.Sprintf("%s needs root here (leve does not set up rootless containers): run leve as root, or %s", e.Engine, other)
}
