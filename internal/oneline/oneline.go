// Package oneline keeps error text to one line, as leve's errors are.
package oneline

import "strings"

// First returns the first non-empty line of s, trimmed: what a one-line
// error keeps of a tool's or a server's message. A first line that ends
// with ":" announces the next one ("to add it:\n\tgo get x"), which is
// then kept too.
func First(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	first := strings.TrimSpace(lines[0])
	if strings.HasSuffix(first, ":") && len(lines) > 1 {
		first += " " + strings.TrimSpace(lines[1])
	}
	return first
}
