package benchrec

import (
	"bufio"
	"bytes"
	"regexp"
	"strconv"
	"strings"
)

// procSuffix is the -GOMAXPROCS suffix go test adds to benchmark names.
var procSuffix = regexp.MustCompile(`-\d+$`)

// ParseGoBench reads the result lines of "go test -bench" output
// ("BenchmarkGzip/hello/leve-fast-2  3  123 ns/op  688295 gz-bytes") and
// returns one figure per benchmark and unit, keyed "bench.NAME:UNIT" with
// the "Benchmark" prefix and the -GOMAXPROCS suffix dropped:
// "bench.Gzip/hello/leve-fast:gz-bytes". This records the metrics of
// benchmarks that report them with testing.B.ReportMetric.
func ParseGoBench(out []byte) map[string]any {
	recs := map[string]any{}
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(nil, 16<<20)
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) < 4 || !strings.HasPrefix(f[0], "Benchmark") || len(f)%2 != 0 {
			continue
		}
		if _, err := strconv.Atoi(f[1]); err != nil {
			continue
		}
		name := procSuffix.ReplaceAllString(strings.TrimPrefix(f[0], "Benchmark"), "")
		for i := 2; i+1 < len(f); i += 2 {
			v, err := strconv.ParseFloat(f[i], 64)
			if err != nil {
				break
			}
			recs["bench."+name+":"+f[i+1]] = v
		}
	}
	return recs
}
