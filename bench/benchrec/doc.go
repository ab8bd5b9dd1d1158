// Package benchrec records the figures of leve's benchmarks and reads them
// back. A benchmark calls Add for every figure it measures; when the
// environment variable LEVE_BENCH_RESULTS names a file, each figure is
// appended to it as one JSON line, otherwise Add does nothing. The harness
// (bench/cmd/benchrun) collects those lines per suite into a Results file,
// from which docs/benchmarks.md, the README's blocks and the chart are
// rendered.
package benchrec
