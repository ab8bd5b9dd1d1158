package render

import "testing"

func TestFormatters(t *testing.T) {
	tests := []struct {
		name, got, want string
	}{
		{"comma", comma(1602359), "1,602,359"},
		{"comma small", comma(243), "243"},
		{"comma rounds", comma(999.6), "1,000"},
		{"comma negative", comma(-1234), "−1,234"},
		{"fixed", fixed(2, 3.14159), "3.14"},
		{"fixed negative", fixed(1, -0.25), "−0.2"},
		{"signed positive", signed(0, 91.3), "+91"},
		{"signed negative", signed(2, -0.444), "−0.44"},
		{"signed zero", signed(2, -0.001), "0.00"},
		{"pct larger", pct(688295, 688077), "+0.03 %"},
		{"pct smaller", pct(591305, 593900), "−0.44 %"},
		{"pct of zero", pct(1, 0), "n/a"},
		{"ratio", ratio(690010, 1531968), "0.45"},
		{"times", times(2620284, 721517), "3.6×"},
		{"human B", human(243), "243 B"},
		{"human kB", human(690010), "690 kB"},
		{"human MB", human(2430000), "2.43 MB"},
		{"human tens", human(65900), "65.9 kB"},
		{"verdict met", verdict(true), "**met**"},
		{"verdict not met", verdict(false), "**not met**"},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("%s = %q, want %q", tt.name, tt.got, tt.want)
		}
	}
}
