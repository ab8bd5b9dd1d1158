package oneline

import "testing"

func TestFirst(t *testing.T) {
	for in, want := range map[string]string{
		"":                                       "",
		"a":                                      "a",
		"\n  go: no module \n  more\n":           "go: no module",
		"x\r\ny":                                 "x",
		"no package x; to add it:\n\tgo get x\n": "no package x; to add it: go get x",
	} {
		if got := First(in); got != want {
			t.Errorf("First(%q) = %q, want %q", in, got, want)
		}
	}
}
