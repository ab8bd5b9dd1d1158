package pipeline

import (
	"context"

	"github.com/leve-build/leve/pkg/compile"
	"github.com/leve-build/leve/pkg/platform"
)

// Targets expands the patterns among targets, such as "./...", into the
// main packages they match, for the first of o.Platforms (default
// linux/amd64), o.Compile.Tags and o.Compile.Cgo; other targets are kept
// as they are, in order.
func Targets(ctx context.Context, targets []string, o Options) ([]string, error) {
	q := compile.Query{Platform: platform.Default, Settings: o.Compile}
	if len(o.Platforms) > 0 {
		q.Platform = o.Platforms[0]
	}
	var out []string
	for _, t := range targets {
		if !compile.IsPattern(t) {
			out = append(out, t)
			continue
		}
		mains, err := compile.ListMains(ctx, ".", []string{t}, q)
		if err != nil {
			return nil, err
		}
		out = append(out, mains...)
	}
	return out, nil
}
