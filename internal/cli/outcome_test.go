package cli

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/leve-build/leve/pkg/pipeline"
)

func TestBuildOutcome(t *testing.T) {
	live := context.Background()
	gone, cancel := context.WithCancel(live)
	cancel()
	compileErr := errors.New("compiling: undefined: x")
	shipErr := &pipeline.ShipError{Err: errors.New("pushing r/b:1: boom"), Unchanged: []string{"the layout out/b"}}
	a := &pipeline.Report{Outputs: []pipeline.Output{{Kind: "layout", Location: "out/a"}, {Kind: "registry", Location: "r/a:1", Digest: "sha256:1"}}}
	many := []string{"./a", "./b"}
	wrapB := fmt.Errorf("./b: %w", shipErr)
	for _, tt := range []struct {
		name    string
		ctx     context.Context
		targets []string
		reps    []*pipeline.Report
		errs    []error
		first   int
		err     error
		want    string // the message
		outcome string // what root.go says after "interrupted"
	}{
		{"compile error", live, []string{"."}, []*pipeline.Report{nil}, []error{compileErr}, 0, compileErr,
			"compiling: undefined: x", ""},
		{"interrupted before shipping", gone, []string{"."}, []*pipeline.Report{nil}, []error{compileErr}, 0, compileErr,
			"compiling: undefined: x; nothing was written", "; nothing was written"},
		{"ship error", live, []string{"."}, []*pipeline.Report{nil}, []error{shipErr}, 0, shipErr,
			"pushing r/b:1: boom; nothing was written: the layout out/b is unchanged", "; nothing was written: the layout out/b is unchanged"},
		{"another target was written", live, many, []*pipeline.Report{a, nil}, []error{nil, wrapB}, 1, wrapB,
			"./b: pushing r/b:1: boom; nothing was written: the layout out/b is unchanged; ./a: wrote the layout out/a, pushed r/a:1@sha256:1; nothing else was written",
			"; ./b: nothing was written: the layout out/b is unchanged; ./a: wrote the layout out/a, pushed r/a:1@sha256:1; nothing else was written"},
		{"many, nothing written", live, many, []*pipeline.Report{nil, nil}, []error{compileErr, nil}, 0, compileErr,
			"compiling: undefined: x", ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			err := buildOutcome(tt.ctx, tt.targets, tt.reps, tt.errs, tt.first, tt.err)
			if err.Error() != tt.want {
				t.Errorf("message\n got %q\nwant %q", err.Error(), tt.want)
			}
			if got := outcome(err); got != tt.outcome {
				t.Errorf("outcome\n got %q\nwant %q", got, tt.outcome)
			}
			if !errors.Is(err, tt.err) {
				t.Errorf("%v does not wrap %v", err, tt.err)
			}
		})
	}
}
