package exe

import (
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
