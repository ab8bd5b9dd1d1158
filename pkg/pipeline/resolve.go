package pipeline

import (
	"context"
	"regexp"
	"sort"

	"golang.org/x/sync/errgroup"
)

// leveRef matches a leve://IMPORT/PATH reference in YAML: up to the first
// character that cannot be part of an import path (quote, space, comma…).
var leveRef = regexp.MustCompile(`leve://[A-Za-z0-9._~/\-]+`)

// References returns the distinct import paths of the leve:// references
// in doc, sorted.
func References(doc []byte) []string {
	seen := map[string]bool{}
	for _, m := range leveRef.FindAll(doc, -1) {
		seen[string(m[len("leve://"):])] = true
	}
	out := make([]string, 0, len(seen))
	for p := range seen {
		out = append(out, p)
	}
	sort.Strings(out)
	return out
}

// ResolveReferences builds every import path doc references as
// leve://IMPORT/PATH with build, concurrently (at most jobs at once), and
// returns doc with each reference replaced by what build returned (a
// pushed REPO/NAME@sha256:... reference). The rest of doc is unchanged.
func ResolveReferences(ctx context.Context, doc []byte, jobs int, build func(ctx context.Context, importPath string) (string, error)) ([]byte, error) {
	paths := References(doc)
	refs := make([]string, len(paths))
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(max(1, jobs))
	for i, p := range paths {
		g.Go(func() error {
			r, err := build(gctx, p)
			refs[i] = r
			return err
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	byPath := map[string]string{}
	for i, p := range paths {
		byPath[p] = refs[i]
	}
	return leveRef.ReplaceAllFunc(doc, func(m []byte) []byte {
		return []byte(byPath[string(m[len("leve://"):])])
	}), nil
}
