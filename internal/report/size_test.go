package report

import "testing"

func TestBytes(t *testing.T) {
	for n, want := range map[int64]string{
		0: "0 B", 999: "999 B", 1000: "1.00 kB", 1234: "1.23 kB", 99_949: "99.9 kB", 733_134: "733 kB",
		1_608_258: "1.61 MB", 999_999: "1.00 MB", 14_217_378: "14.2 MB", -2048: "-2.05 kB",
	} {
		if got := Bytes(n); got != want {
			t.Errorf("Bytes(%d) = %q, want %q", n, got, want)
		}
	}
}
