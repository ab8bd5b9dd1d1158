package render

import (
	"fmt"
	"math"
	"strings"
)

// comma formats n rounded to an integer with thousands separators:
// 1602359 → "1,602,359".
func comma(n float64) string {
	v := int64(math.Round(n))
	neg := v < 0
	if neg {
		v = -v
	}
	s := fmt.Sprint(v)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	if neg {
		return "−" + s
	}
	return s
}

// fixed formats x with n decimals, a Unicode minus for negatives.
func fixed(n int, x float64) string {
	s := fmt.Sprintf("%.*f", n, x)
	if strings.HasPrefix(s, "-") {
		s = "−" + s[1:]
	}
	return s
}

// signed is fixed with a sign: "+0.03", "−0.44", "0" for zero.
func signed(n int, x float64) string {
	s := fixed(n, x)
	if strings.Trim(s, "−0.") == "" {
		return strings.TrimPrefix(s, "−")
	}
	if !strings.HasPrefix(s, "−") {
		return "+" + s
	}
	return s
}

// pct is how much larger a is than b, in percent with two decimals and a
// sign: pct(688295, 688077) = "+0.03 %".
func pct(a, b float64) string {
	if b == 0 {
		return "n/a"
	}
	return signed(2, 100*(a-b)/b) + " %"
}

// ratio is a/b with two decimals.
func ratio(a, b float64) string {
	if b == 0 {
		return "n/a"
	}
	return fixed(2, a/b)
}

// times is a/b with one decimal and "×": "3.6×".
func times(a, b float64) string {
	if b == 0 {
		return "n/a"
	}
	return fixed(1, a/b) + "×"
}

// human is n bytes in decimal units with three significant digits, as
// leve's reports print sizes: 690010 → "690 kB".
func human(n float64) string {
	units := []string{"B", "kB", "MB", "GB"}
	i := 0
	for n >= 999.5 && i < len(units)-1 {
		n /= 1000
		i++
	}
	if i == 0 {
		return fmt.Sprintf("%.0f B", n)
	}
	switch {
	case n >= 99.95:
		return fmt.Sprintf("%.0f %s", n, units[i])
	case n >= 9.995:
		return fmt.Sprintf("%.1f %s", n, units[i])
	}
	return fmt.Sprintf("%.2f %s", n, units[i])
}

// verdict is "**met**" or "**not met**".
func verdict(ok bool) string {
	if ok {
		return "**met**"
	}
	return "**not met**"
}
