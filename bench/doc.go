// Package bench compares leve with its peers on the example programs. Its
// benchmarks measure sizes and times with real tools (ko, crane, hyperfine)
// and print the Markdown rows recorded in docs/benchmarks.md. They install
// ko and crane with "go install" (module proxy only) and need no registry
// beyond one on loopback. Run them with:
//
//	go test ./bench/ -run '^$' -bench . -benchtime 1x -timeout 30m
package bench
