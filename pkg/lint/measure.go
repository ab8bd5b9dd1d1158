package lint

import (
	"context"
	"fmt"
	"os"

	"github.com/leve-build/leve/pkg/compile"
	"github.com/leve-build/leve/pkg/optimize"
	"github.com/leve-build/leve/pkg/platform"
)

// measure builds the Go main package in dir once, for linux/amd64 with
// cgo off and without -s -w, and strips a copy to know what stripping
// saves. The binary is built in a temporary directory removed afterwards.
func measure(ctx context.Context, dir string) (*Facts, error) {
	pkg, err := compile.Resolve(ctx, dir, compile.Query{Platform: platform.Default})
	if err != nil {
		return nil, fmt.Errorf("finding the Go program in %s: %w", dir, err)
	}
	tmp, err := os.MkdirTemp("", "leve-lint-")
	if err != nil {
		return nil, fmt.Errorf("measuring %s: %w", dir, err)
	}
	defer os.RemoveAll(tmp)
	bin, err := compile.Build(ctx, pkg, tmp, compile.Options{Platform: platform.Default})
	if err != nil {
		return nil, err
	}
	data, err := bin.ReadFile(ctx)
	if err != nil {
		return nil, fmt.Errorf("measuring %s: %w", dir, err)
	}
	_, sr, err := optimize.Strip(data)
	if err != nil {
		return nil, fmt.Errorf("measuring %s: %w", dir, err)
	}
	return &Facts{Dir: dir, Unstripped: sr.Before, Stripped: sr.After}, nil
}
