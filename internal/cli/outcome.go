package cli

import (
	"context"
	"errors"
	"strings"

	"github.com/leve-build/leve/pkg/pipeline"
)

// outcomer is an error that says which outputs the failed run wrote and
// which it left as they were (*pipeline.ShipError, *outcomeError).
type outcomer interface {
	error
	Outcome() string
}

// outcomeError is a failed run with what it wrote: err's message is
// followed by more, and Outcome is what err says plus more.
type outcomeError struct {
	err    error
	target string // the target err is about, when several were built
	more   string
}

func (e *outcomeError) Error() string { return e.err.Error() + "; " + e.more }
func (e *outcomeError) Unwrap() error { return e.err }

// Outcome says what the whole run wrote.
func (e *outcomeError) Outcome() string {
	if o := outcome(e.err); o != "" {
		if e.target != "" {
			return e.target + ": " + o[2:] + "; " + e.more
		}
		return o[2:] + "; " + e.more
	}
	return e.more
}

// outcome returns "; " and what err says was written, or "" when err does
// not say.
func outcome(err error) string {
	var o outcomer
	if errors.As(err, &o) {
		return "; " + o.Outcome()
	}
	return ""
}

// buildOutcome adds to err, the first failure of building targets, what
// the run wrote: the outputs of the targets that were built and shipped,
// and the pushes of those whose ship stage failed part-way. reps and errs
// hold each target's report (when it succeeded) or error; err is that of
// targets[first] (first < 0: of none). An interrupted run that wrote
// nothing says so.
func buildOutcome(ctx context.Context, targets []string, reps []*pipeline.Report, errs []error, first int, err error) error {
	said := outcome(err) != ""
	var facts []string
	target := ""
	if len(targets) > 1 {
		for i, t := range targets {
			var se *pipeline.ShipError
			switch {
			case i == first:
				target = t
			case reps[i] != nil:
				facts = append(facts, t+": "+pipeline.DescribeWritten(reps[i].Outputs))
			case errors.As(errs[i], &se) && len(se.Written) > 0:
				facts = append(facts, t+": "+se.Outcome())
			}
		}
	}
	switch {
	case len(facts) > 0 || (said && ctx.Err() != nil && len(targets) > 1):
		facts = append(facts, "nothing else was written")
	case said:
		return err
	case ctx.Err() != nil:
		facts = append(facts, "nothing was written")
	default:
		return err
	}
	return &outcomeError{err: err, target: target, more: strings.Join(facts, "; ")}
}
