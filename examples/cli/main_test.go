package main

import (
	"strings"
	"testing"
)

func TestCommands(t *testing.T) {
	tests := []struct {
		args  []string
		stdin string
		want  string
	}{
		{[]string{"count"}, "Oi, João!\nsegunda linha\n", "2 lines, 4 words, 22 runes\n"},
		{[]string{"title", "--lang", "pt", "o dia da independência"}, "", "O Dia Da Independência\n"},
		{[]string{"normalize", "--form", "nfc"}, "Joa\u0303o", "Jo\u00e3o"},
	}
	for _, tt := range tests {
		root := newRoot()
		var out strings.Builder
		root.SetArgs(tt.args)
		root.SetIn(strings.NewReader(tt.stdin))
		root.SetOut(&out)
		if err := root.Execute(); err != nil {
			t.Fatalf("cli %q: %v", tt.args, err)
		}
		if out.String() != tt.want {
			t.Errorf("cli %q = %q, want %q", tt.args, out.String(), tt.want)
		}
	}
}
