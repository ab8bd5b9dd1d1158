package exe

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

var sizeUnits = []struct {
	suffix string
	mult   float64
}{
	{"kib", 1 << 10}, {"mib", 1 << 20}, {"gib", 1 << 30},
	{"kb", 1e3}, {"mb", 1e6}, {"gb", 1e9}, {"k", 1e3}, {"m", 1e6}, {"g", 1e9}, {"b", 1},
}

// ParseSize parses a byte size such as "2MB", "50KB", "1.5MiB" or "4096".
// KB, MB and GB are decimal (1000); KiB, MiB and GiB are binary (1024).
func ParseSize(s string) (int64, error) {
	t := strings.ToLower(strings.TrimSpace(s))
	mult := 1.0
	for _, u := range sizeUnits {
		if strings.HasSuffix(t, u.suffix) {
			t, mult = strings.TrimSpace(strings.TrimSuffix(t, u.suffix)), u.mult
			break
		}
	}
	v, err := strconv.ParseFloat(t, 64)
	if err != nil || v < 0 || math.IsInf(v, 0) || math.IsNaN(v) || v*mult > math.MaxInt64/2 {
		return 0, fmt.Errorf("parsing size %q: want a number with an optional unit (B, KB, MB, GB, KiB, MiB, GiB)", s)
	}
	return int64(math.Round(v * mult)), nil
}

// A Limit is a size gate: an absolute number of bytes or a percentage.
type Limit struct {
	Bytes   int64   // used when Percent is 0
	Percent float64 // a growth limit in percent of the old size
}

// ParseLimit parses "2MB", "50KB" or "5%".
func ParseLimit(s string) (Limit, error) {
	t := strings.TrimSpace(s)
	if p, ok := strings.CutSuffix(t, "%"); ok {
		v, err := strconv.ParseFloat(strings.TrimSpace(p), 64)
		if err != nil || v < 0 || math.IsInf(v, 0) || math.IsNaN(v) {
			return Limit{}, fmt.Errorf("parsing limit %q: want a percentage such as 5%%", s)
		}
		return Limit{Percent: v}, nil
	}
	n, err := ParseSize(t)
	if err != nil {
		return Limit{}, err
	}
	return Limit{Bytes: n}, nil
}

// Allows reports whether growing from old to new bytes stays within the
// limit: new-old <= Bytes, or <= Percent of old.
func (l Limit) Allows(old, new int64) bool {
	if l.Percent > 0 {
		return float64(new-old) <= float64(old)*l.Percent/100
	}
	return new-old <= l.Bytes
}

// String formats the limit as ParseLimit reads it.
func (l Limit) String() string {
	if l.Percent > 0 {
		return strconv.FormatFloat(l.Percent, 'f', -1, 64) + "%"
	}
	return FormatSize(l.Bytes)
}

// FormatSize formats n bytes with a decimal unit: "812 B", "1.6 MB".
func FormatSize(n int64) string {
	v, neg := float64(n), n < 0
	if neg {
		v = -v
	}
	var s string
	switch {
	case v < 1e3:
		s = fmt.Sprintf("%d B", int64(v))
	case v < 1e6:
		s = fmt.Sprintf("%.1f KB", v/1e3)
	case v < 1e9:
		s = fmt.Sprintf("%.1f MB", v/1e6)
	default:
		s = fmt.Sprintf("%.2f GB", v/1e9)
	}
	if neg {
		return "-" + s
	}
	return s
}
