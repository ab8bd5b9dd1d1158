// Package render turns the benchmark results file (bench/results.json)
// into leve's published figures: docs/benchmarks.md from the template
// bench/benchmarks.md.tmpl, the blocks between "<!-- bench:NAME -->" and
// "<!-- /bench:NAME -->" of the README and docs/slim.md from
// bench/NAME.md.tmpl,
// and the bar chart docs/bench.svg. Rendering is deterministic: the same
// results give the same bytes.
package render
