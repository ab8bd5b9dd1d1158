package pipeline

import (
	"strings"
)

// ShipError is a failure of the ship stage. It says what the run wrote
// before it failed (pushes and Docker loads that completed, local outputs
// once their commit had begun) and which local outputs it left as they
// were, so that the message tells exactly what happened.
type ShipError struct {
	// Err is why shipping failed.
	Err error
	// Written lists the outputs this run wrote, in the order it wrote them.
	Written []Output
	// Unchanged names the local outputs left byte for byte as they were,
	// e.g. "the layout leve-out/hello".
	Unchanged []string
	// Skipped names the sinks not tried because an earlier one failed.
	Skipped []string
}

// Error returns the cause followed by the outcome.
func (e *ShipError) Error() string { return e.Err.Error() + "; " + e.Outcome() }

// Unwrap returns the cause.
func (e *ShipError) Unwrap() error { return e.Err }

// Outcome says what was and was not written, e.g. "nothing was written:
// the layout out and the tarball hello.tar are unchanged" or "pushed
// r/a:1@sha256:…; not written: the layout out is unchanged".
func (e *ShipError) Outcome() string {
	var b strings.Builder
	if len(e.Written) == 0 {
		b.WriteString("nothing was written")
		if len(e.Unchanged) > 0 {
			b.WriteString(": " + unchanged(e.Unchanged))
		}
	} else {
		done := make([]string, len(e.Written))
		for i, o := range e.Written {
			done[i] = describeOutput(o)
		}
		b.WriteString(strings.Join(done, ", "))
		if len(e.Unchanged) > 0 {
			b.WriteString("; not written: " + unchanged(e.Unchanged))
		}
	}
	if len(e.Skipped) > 0 {
		b.WriteString("; not tried: " + strings.Join(e.Skipped, ", "))
	}
	return b.String()
}

// describeOutput says what was done to write o, e.g. "pushed
// r/a:1@sha256:…" or "wrote the layout out".
func describeOutput(o Output) string {
	switch o.Kind {
	case "registry":
		return "pushed " + o.Location + "@" + o.Digest
	case "docker":
		return "loaded " + o.Digest + " into the Docker engine at " + o.Location
	default:
		return "wrote the " + o.Kind + " " + o.Location
	}
}

// unchanged joins names into "A is unchanged" or "A, B and C are
// unchanged".
func unchanged(names []string) string {
	if len(names) == 1 {
		return names[0] + " is unchanged"
	}
	return strings.Join(names[:len(names)-1], ", ") + " and " + names[len(names)-1] + " are unchanged"
}

// DescribeWritten says what writing outs did, e.g. "pushed r/a:1@sha256:…,
// wrote the layout out", or "nothing was written".
func DescribeWritten(outs []Output) string {
	return (&ShipError{Written: outs}).Outcome()
}
