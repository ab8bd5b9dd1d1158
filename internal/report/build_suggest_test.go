package report

import (
	"bytes"
	"strings"
	"testing"
)

// TestBuildSuggestion checks that the build report prints the binary's
// suggestions, one line each, and nothing when there are none.
func TestBuildSuggestion(t *testing.T) {
	r := sampleReport()
	var plain bytes.Buffer
	if err := Build(&plain, r); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(plain.String(), "suggestion:") {
		t.Errorf("a report without suggestions prints one:\n%s", plain.String())
	}
	r.Images[0].Binary.Suggestions = []string{"method dead-code elimination is off: about 783.1 KB (±25 %)"}
	var b bytes.Buffer
	if err := Build(&b, r); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), "\nsuggestion: method dead-code elimination is off: about 783.1 KB (±25 %)\n") {
		t.Errorf("the build report lacks the suggestion line:\n%s", b.String())
	}
}
