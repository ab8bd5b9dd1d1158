package benchrec

import (
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestAddAndReadLines(t *testing.T) {
	path := filepath.Join(t.TempDir(), "records.jsonl")
	t.Setenv(EnvFile, path)
	for _, r := range []struct {
		key string
		v   any
	}{{"a", 1}, {"b", int64(2)}, {"c", 2.5}, {"d", "text\nwith lines"}, {"a", 3}} {
		if err := Add(r.key, r.v); err != nil {
			t.Fatal(err)
		}
	}
	if err := Add("e", []int{1}); err == nil {
		t.Error("Add of a slice: no error")
	}
	got, err := ReadLines(path)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]any{"a": 3.0, "b": 2.0, "c": 2.5, "d": "text\nwith lines"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("ReadLines() (-want +got):\n%s", diff)
	}
}

func TestAddWithoutFile(t *testing.T) {
	t.Setenv(EnvFile, "")
	if err := Add("a", 1); err != nil {
		t.Errorf("Add() without %s = %v, want nil", EnvFile, err)
	}
}

func TestParseGoBench(t *testing.T) {
	out := []byte(`goos: linux
BenchmarkGzip/hello/leve-fast-2         	       3	  35738421 ns/op	  45.05 MB/s	    729765 gz-bytes	        25.19 MB/cpu-s
BenchmarkManyApps   	       1	1439 ns/op	        23.4 cpu1-several-s
--- FAIL: BenchmarkX
BenchmarkNotAResult-2 says something
PASS
`)
	got := ParseGoBench(out)
	want := map[string]any{
		"bench.Gzip/hello/leve-fast:ns/op":    35738421.0,
		"bench.Gzip/hello/leve-fast:MB/s":     45.05,
		"bench.Gzip/hello/leve-fast:gz-bytes": 729765.0,
		"bench.Gzip/hello/leve-fast:MB/cpu-s": 25.19,
		"bench.ManyApps:ns/op":                1439.0,
		"bench.ManyApps:cpu1-several-s":       23.4,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("ParseGoBench() (-want +got):\n%s", diff)
	}
}

func TestLookup(t *testing.T) {
	r := &Results{Suites: map[string]*Suite{"pull": {Records: map[string]any{"bench.X:a.b-B": 1.0}}}}
	if v, ok := r.Lookup("pull.bench.X:a.b-B"); !ok || v != 1.0 {
		t.Errorf("Lookup(pull.bench.X:a.b-B) = %v, %v, want 1, true", v, ok)
	}
	for _, k := range []string{"cold.bench.X:a.b-B", "pull.nothing", "nodot"} {
		if _, ok := r.Lookup(k); ok {
			t.Errorf("Lookup(%s) found a record", k)
		}
	}
}
