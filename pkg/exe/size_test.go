package exe

import (
	"slices"
	"testing"
)

func TestParseSize(t *testing.T) {
	tests := []struct {
		in      string
		want    int64
		wantErr bool
	}{
		{"4096", 4096, false},
		{"50KB", 50_000, false},
		{"2MB", 2_000_000, false},
		{"2 mb", 2_000_000, false},
		{"1.5MiB", 1_572_864, false},
		{"1GiB", 1 << 30, false},
		{"12B", 12, false},
		{"", 0, true},
		{"MB", 0, true},
		{"-1KB", 0, true},
		{"5%", 0, true},
		{"1e30GB", 0, true},
	}
	for _, tt := range tests {
		got, err := ParseSize(tt.in)
		if (err != nil) != tt.wantErr || got != tt.want {
			t.Errorf("ParseSize(%q) = %d, %v, want %d, error %v", tt.in, got, err, tt.want, tt.wantErr)
		}
	}
}

func TestLimit(t *testing.T) {
	tests := []struct {
		in       string
		old, new int64
		allows   bool
	}{
		{"5%", 1000, 1050, true},
		{"5%", 1000, 1051, false},
		{"50KB", 1_000_000, 1_050_000, true},
		{"50KB", 1_000_000, 1_050_001, false},
		{"0", 10, 9, true},
	}
	for _, tt := range tests {
		l, err := ParseLimit(tt.in)
		if err != nil {
			t.Fatalf("ParseLimit(%q) = %v", tt.in, err)
		}
		if got := l.Allows(tt.old, tt.new); got != tt.allows {
			t.Errorf("ParseLimit(%q).Allows(%d, %d) = %v, want %v", tt.in, tt.old, tt.new, got, tt.allows)
		}
	}
	if _, err := ParseLimit("x%"); err == nil {
		t.Errorf("ParseLimit(%q) = nil error, want one", "x%")
	}
}

func TestFormatSize(t *testing.T) {
	for _, tt := range []struct {
		in   int64
		want string
	}{{812, "812 B"}, {1_605_794, "1.6 MB"}, {-50_000, "-50.0 KB"}} {
		if got := FormatSize(tt.in); got != tt.want {
			t.Errorf("FormatSize(%d) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestGate(t *testing.T) {
	growth5 := Limit{Percent: 5}
	tests := []struct {
		name   string
		gate   Gate
		size   int64
		c      *Comparison
		passed []string // the rules checked that pass
		failed []string // the rules checked that fail
	}{
		{"no rules", Gate{}, 10, nil, nil, nil},
		{"size ok", Gate{MaxSize: 2_000_000}, 2_000_000, nil, []string{GateMaxSize}, nil},
		{"size over", Gate{MaxSize: 2_000_000}, 2_000_001, nil, nil, []string{GateMaxSize}},
		{"size of the comparison's new file", Gate{MaxSize: 1000}, 10, &Comparison{Old: 10, New: 1001, Delta: 991}, nil, []string{GateMaxSize}},
		{"growth ok", Gate{MaxGrowth: &growth5}, 0, &Comparison{Old: 1000, New: 1050, Delta: 50}, []string{GateMaxGrowth}, nil},
		{"growth over", Gate{MaxGrowth: &growth5}, 0, &Comparison{Old: 1000, New: 1051, Delta: 51}, nil, []string{GateMaxGrowth}},
		{"both over", Gate{MaxSize: 1000, MaxGrowth: &growth5}, 0, &Comparison{Old: 1000, New: 1100, Delta: 100}, nil, []string{GateMaxSize, GateMaxGrowth}},
		{"growth needs a comparison", Gate{MaxGrowth: &growth5}, 5000, nil, nil, nil},
	}
	for _, tt := range tests {
		var passed, failed []string
		for _, r := range tt.gate.Check(tt.size, tt.c) {
			if r.Passed {
				passed = append(passed, r.Rule)
			} else {
				failed = append(failed, r.Rule)
			}
			if tt.c != nil && r.New != tt.c.New {
				t.Errorf("%s: Check() result %+v, want New %d", tt.name, r, tt.c.New)
			}
		}
		if !slices.Equal(passed, tt.passed) || !slices.Equal(failed, tt.failed) {
			t.Errorf("%s: Check() passed %v, failed %v; want %v, %v", tt.name, passed, failed, tt.passed, tt.failed)
		}
	}
}
