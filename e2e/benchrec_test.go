package e2e

import (
	"testing"

	"github.com/leve-build/leve/bench/benchrec"
)

// benchRecord stores a figure of a benchmark test for the bench harness
// (package benchrec: only when LEVE_BENCH_RESULTS is set).
func benchRecord(t *testing.T, key string, value any) {
	t.Helper()
	if err := benchrec.Add(key, value); err != nil {
		t.Fatal(err)
	}
}
