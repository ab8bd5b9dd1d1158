// Package bench compares leve with its peers on the example programs. Its
// benchmarks measure sizes and times with real tools (ko, crane, hyperfine),
// print Markdown rows and report every figure as a benchmark metric or a
// record of package bench/benchrec. They install ko and crane with "go
// install" (module proxy only) and need no registry beyond one on
// loopback. bench/run (the harness, bench/cmd/benchrun) runs them in suites,
// records the figures in bench/results.json and renders docs/benchmarks.md
// from them; run one by hand with:
//
//	go test ./bench/ -run '^$' -bench BenchmarkHelloPullSize -benchtime 1x -timeout 30m
package bench
