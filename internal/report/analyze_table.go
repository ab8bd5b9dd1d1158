package report

import (
	"strings"
	"unicode/utf8"
)

// maxNameWidth bounds the first column of an analysis table; longer names
// keep their end ("…/internal/modload").
const maxNameWidth = 52

// table is an aligned text table: a header row whose first cell is the
// table's title, then indented rows. The first column is left-aligned;
// the others are right-aligned unless align says 'l' for them.
type table struct {
	head  []string
	align string // per column 'l' or 'r'; missing entries: first 'l', others 'r'
	rows  [][]string
}

// ruleRow marks a separator line.
var ruleRow = []string{"\x00rule"}

func (t *table) add(cells ...string) { t.rows = append(t.rows, cells) }

func (t *table) rule() { t.rows = append(t.rows, ruleRow) }

func (t *table) left(col int) bool {
	if col < len(t.align) {
		return t.align[col] == 'l'
	}
	return col == 0
}

// write renders the table after a blank line.
func (t *table) write(b *strings.Builder) {
	width := make([]int, len(t.head))
	for i, h := range t.head {
		width[i] = utf8.RuneCountInString(h)
	}
	for _, r := range t.rows {
		if len(r) == 1 && r[0] == ruleRow[0] {
			continue
		}
		for i, c := range r {
			n := utf8.RuneCountInString(c)
			if i == 0 {
				n = min(n, maxNameWidth) + 2
			}
			if i < len(width) {
				width[i] = max(width[i], n)
			}
		}
	}
	b.WriteString("\n")
	t.line(b, t.head, width, "")
	for _, r := range t.rows {
		if len(r) == 1 && r[0] == ruleRow[0] {
			total := 0
			for _, w := range width {
				total += w + 2
			}
			b.WriteString("  " + strings.Repeat("-", total-4) + "\n")
			continue
		}
		t.line(b, r, width, "  ")
	}
}

// line writes one row; indent prefixes the first cell.
func (t *table) line(b *strings.Builder, cells []string, width []int, indent string) {
	var sb strings.Builder
	for i, c := range cells {
		if i == 0 {
			c = indent + clip(c, maxNameWidth)
		}
		pad := 0
		if i < len(width) {
			pad = width[i] - utf8.RuneCountInString(c)
		}
		if i > 0 {
			sb.WriteString("  ")
		}
		if t.left(i) {
			sb.WriteString(c)
			sb.WriteString(strings.Repeat(" ", max(pad, 0)))
		} else {
			sb.WriteString(strings.Repeat(" ", max(pad, 0)))
			sb.WriteString(c)
		}
	}
	b.WriteString(strings.TrimRight(sb.String(), " "))
	b.WriteString("\n")
}

// clip shortens s to n runes, keeping its end: "…/internal/modload".
func clip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return "…" + string(r[len(r)-n+1:])
}
