package oneline

import "testing"

func TestFirst(t *testing.T) {
	for in, want := range map[string]string{"": "", "a": "a", "\n  go: no module \n  more\n": "go: no module", "x\r\ny": "x"} {
		if got := First(in); got != want {
			t.Errorf("First(%q) = %q, want %q", in, got, want)
		}
	}
}
