package main

import (
	"slices"
	"testing"
)

func TestDisplay(t *testing.T) {
	got := display([]string{"CI=true", "A=1"}, []string{"go", "test", "-run", "^$", "-bench", "Hello(Report|X)$", "it's"})
	want := `A=1 CI=true go test -run '^$' -bench 'Hello(Report|X)$' 'it'\''s'`
	if got != want {
		t.Errorf("display() = %q, want %q", got, want)
	}
}

func TestPick(t *testing.T) {
	got, err := pick("cold, pull")
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].name != "cold" || got[1].name != "pull" {
		t.Errorf("pick(cold, pull) = %v, want cold then pull", got)
	}
	if all, _ := pick(""); len(all) != len(suites) {
		t.Errorf("pick() = %d suites, want all %d", len(all), len(suites))
	}
	if _, err := pick("nosuch"); err == nil {
		t.Error("pick(nosuch): no error")
	}
}

func TestSuites(t *testing.T) {
	seen := map[string]bool{}
	for _, s := range suites {
		if seen[s.name] {
			t.Errorf("suite %s defined twice", s.name)
		}
		seen[s.name] = true
		if len(s.steps) == 0 || len(s.want) == 0 {
			t.Errorf("suite %s: %d steps, %d wanted records; want some of each", s.name, len(s.steps), len(s.want))
		}
	}
	if !slices.Contains(quickSuite.steps[0].env, "LEVE_BENCH_QUICK=1") {
		t.Errorf("the quick suite's environment %v lacks LEVE_BENCH_QUICK=1", quickSuite.steps[0].env)
	}
}
