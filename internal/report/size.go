package report

import "fmt"

// Bytes is leve's one size formatter: it formats n in decimal units (kB = 1000 B) with three significant
// digits, as registries and "docker images" report sizes.
func Bytes(n int64) string {
	sign := ""
	if n < 0 {
		sign, n = "-", -n
	}
	if n < 1000 {
		return fmt.Sprintf("%s%d B", sign, n)
	}
	units := []string{"kB", "MB", "GB", "TB", "PB", "EB"}
	v := float64(n)
	i := -1
	for v >= 999.5 && i < len(units)-1 {
		v /= 1000
		i++
	}
	switch {
	case v >= 99.95:
		return fmt.Sprintf("%s%.0f %s", sign, v, units[i])
	case v >= 9.995:
		return fmt.Sprintf("%s%.1f %s", sign, v, units[i])
	default:
		return fmt.Sprintf("%s%.2f %s", sign, v, units[i])
	}
}
