package main

// step is one command of a suite, run from the repository root.
type step struct {
	env  []string // added to the environment
	args []string // the command; "go" is the toolchain on PATH
	cpus string   // when set, the command runs under "taskset -c CPUS"
}

// suite is a group of benchmarks run and recorded together.
type suite struct {
	name  string
	about string   // one line for --list
	steps []step   // run one after the other
	want  []string // records the run must produce (else the suite failed)
	tools []string // "COMMAND:DEBIAN-PACKAGE" it needs, installed when missing
}

// goBench is "go test PKG -run '^$' -bench RE -benchtime 1x" with a timeout.
func goBench(pkg, re, benchtime, timeout string) []string {
	return []string{"go", "test", pkg, "-run", "^$", "-bench", re, "-benchtime", benchtime, "-count", "1", "-timeout", timeout}
}

// goTestV is "go test PKG -run RE -v" with a timeout, for e2e benchmarks
// that are tests.
func goTestV(pkg, re, timeout string) []string {
	return []string{"go", "test", pkg, "-run", re, "-count", "1", "-v", "-timeout", timeout}
}

// suites are every suite, in the order a full run takes them.
var suites = []suite{
	{
		name:  "hello",
		about: "the README's report block and the warm rebuild of examples/hello (hyperfine)",
		steps: []step{{args: goBench("./bench/", "^BenchmarkHello(Report|WarmRebuild)$", "1x", "30m")}},
		want:  []string{"report", "bench.HelloWarmRebuild:leve-ms", "bench.HelloWarmRebuild:delta-ms"},
		tools: []string{"hyperfine:hyperfine"},
	},
	{
		name:  "pull",
		about: "pull sizes per example and method: leve's levels and compressions, --pack, ko, FROM scratch, the seed",
		steps: []step{{args: goBench("./bench/", "^Benchmark(HelloPullSize|ExamplePullSizes)$", "1x", "60m")}},
		want:  []string{"bench.HelloPullSize:leve-B", "bench.ExamplePullSizes:hello-gzip-default-B", "bench.ExamplePullSizes:cgo-ko-sw-B"},
	},
	{
		name:  "docker",
		about: "examples/hello/Dockerfile built by docker build (dockerd on its own socket, stand-in golang base)",
		steps: []step{{env: []string{"LEVE_BENCH_DOCKER=1", "CI=true"}, args: goTestV("./e2e/", "^TestDockerPullBenchmark$", "20m")}},
		want:  []string{"scratch-B", "dockerd"},
		tools: []string{"dockerd:docker.io", "busybox:busybox-static"},
	},
	{
		name:  "cold",
		about: "5 apps × 2 platforms with a warm Go cache, leve's levels and ko, on one core and on two; the one-line change of examples/api",
		steps: []step{
			{args: goBench("./bench/", "^Benchmark(ManyApps|APIEdit)$", "1x", "90m"), cpus: "0"},
			{args: goBench("./bench/", "^Benchmark(ManyApps|APIEdit)$", "1x", "90m"), cpus: "0,1"},
		},
		want:  []string{"bench.ManyApps:cpu1-several-s", "bench.ManyApps:cpu2-several-s", "bench.APIEdit:cpu1-leve-s", "bench.APIEdit:cpu2-ko-s", "bench.APIEdit:cpu1-leve-same-s"},
		tools: []string{"taskset:util-linux"},
	},
	{
		name:  "trace",
		about: "where a cold build of 4 apps × 2 platforms spends its time (LEVE_TRACE spans), default and fast level, on one core and on two",
		steps: []step{
			{args: goBench("./bench/", "^BenchmarkColdTrace$", "1x", "30m"), cpus: "0"},
			{args: goBench("./bench/", "^BenchmarkColdTrace$", "1x", "30m"), cpus: "0,1"},
		},
		want:  []string{"cpu1-default-compress-s", "cpu2-default-compress-s", "cpu2-fast-wall-s"},
		tools: []string{"taskset:util-linux"},
	},
	{
		name:  "deflate",
		about: "leve's DEFLATE encoder against Go, klauspost, gzip, libdeflate and zopfli",
		steps: []step{
			{args: goBench("./pkg/deflate/", "^BenchmarkGzip$", "3x", "60m")},
			{args: goBench("./bench/", "^BenchmarkDeflateSpeed$", "1x", "30m")},
		},
		want:  []string{"bench.Gzip/hello.tar/libdeflate-12:gz-bytes", "bench.Gzip/hello/zopfli:gz-bytes", "bench.DeflateSpeed:libdeflate-12-B"},
		tools: []string{"libdeflate-gzip:libdeflate-tools", "zopfli:zopfli", "gzip:gzip"},
	},
	{
		name:  "pack",
		about: "the LZMA encoder against xz, and packed executables (size, start-up, memory)",
		steps: []step{
			{args: goBench("./pkg/pack/lzma/", "^Benchmark(PackHello|PackGoTool|PackHelloARM64|PackGoToolARM64|DecodeHello)$", "1x", "60m")},
			{env: []string{"RUNS=30"}, args: []string{"bench/pack/bench.sh"}},
		},
		want:  []string{"bench.PackGoTool:lzma-amd64-B", "bench.PackGoToolARM64:lzma-B", "go.packed-B", "hello.packed.rss-KiB"},
		tools: []string{"xz:xz-utils", "hyperfine:hyperfine", "python3:python3"},
	},
	{
		name:  "analyze",
		about: "leve analyze of the go command against go version -m; bounded memory on a sparse tail",
		steps: []step{{args: goBench("./bench/analyze/", ".", "1x", "30m")}},
		want:  []string{"bench.AnalyzeGoCommand:text-ms", "bench.AnalyzeSparseTail:text-MiB"},
	},
	{
		name:  "inspect",
		about: "leve inspect against dive v0.13.1 on a docker-archive of more than 1 GB",
		steps: []step{{env: []string{"LEVE_BENCH_INSPECT=1", "CI=true"}, args: goTestV("./e2e/", "^TestInspectBenchmark$", "30m")}},
		want:  []string{"leve-s", "dive-s", "archive-B"},
		tools: []string{"/usr/bin/time:time"},
	},
	{
		name:  "slim",
		about: "leve slim of the seed tutorial's image",
		steps: []step{{env: []string{"CI=true"}, args: goTestV("./e2e/", "^TestSlimSeed$", "20m")}},
		want:  []string{"seed.slim", "seed.original"},
		tools: []string{"runc:runc", "skopeo:skopeo", "oci-image-tool:oci-image-tool", "umoci:umoci", "busybox:busybox-static"},
	},
	{
		name:  "signals",
		about: "exit after SIGINT in the compile, package and pack stages",
		steps: []step{{args: goBench("./bench/", "^BenchmarkSignalExit$", "1x", "20m")}},
		want:  []string{"bench.SignalExit:compile-ms", "bench.SignalExit:pack-ms"},
	},
	{
		name:  "interrupt",
		about: "SIGINT in the package stage of leve build --level max of cmd/go",
		steps: []step{{args: goBench("./bench/", "^BenchmarkInterruptPackageMax$", "1x", "20m")}},
		want:  []string{"bench.InterruptPackageMax:median-ms"},
	},
	{
		name:  "run",
		about: "what leve run --engine runc adds to plain runc run of the same bundle (examples/hello)",
		steps: []step{{args: goBench("./bench/", "^BenchmarkRunOverhead$", "1x", "10m")}},
		want:  []string{"bench.RunOverhead:runc-ms", "bench.RunOverhead:leve-run-ms", "bench.RunOverhead:overhead-ms"},
		tools: []string{"runc:runc"},
	},
	{
		name:  "rss",
		about: "peak RSS of leve build --add of a 512 MiB file",
		steps: []step{{args: goBench("./bench/", "^BenchmarkAddLargeFileRSS$", "1x", "30m")}},
		want:  []string{"bench.AddLargeFileRSS:peak-RSS-MiB"},
		tools: []string{"/usr/bin/time:time"},
	},
}

// quickSuite is --quick: the hello suite, one round of each measurement.
var quickSuite = suite{
	name:  "hello",
	about: "quick: one round of the hello suite",
	steps: []step{{env: []string{"LEVE_BENCH_QUICK=1"}, args: goBench("./bench/", "^BenchmarkHello(Report|WarmRebuild)$", "1x", "10m")}},
	want:  suites[0].want,
	tools: suites[0].tools,
}
