// Package oneline keeps error text to one line, as leve's errors are.
package oneline

import "strings"

// First returns the first non-empty line of s, trimmed: what a one-line
// error keeps of a tool's or a server's message.
func First(s string) string {
	s, _, _ = strings.Cut(strings.TrimSpace(s), "\n")
	return strings.TrimSpace(s)
}
