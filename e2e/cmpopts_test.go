package e2e

import (
	"slices"

	"github.com/google/go-cmp/cmp"
)

// cmpSorted compares string slices regardless of order.
var cmpSorted = cmp.Transformer("sorted", func(in []string) []string {
	out := slices.Clone(in)
	slices.Sort(out)
	return out
})
