package platform

import (
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	v1 "github.com/google/go-containerregistry/pkg/v1"
)

func TestParse(t *testing.T) {
	tests := []struct {
		in      string
		want    Platform
		wantEnv []string
		wantErr string
	}{
		{in: "linux/amd64", want: Platform{OS: "linux", Arch: "amd64"}, wantEnv: []string{"GOOS=linux", "GOARCH=amd64"}},
		{in: "linux/arm/v7", want: Platform{OS: "linux", Arch: "arm", Variant: "v7"}, wantEnv: []string{"GOOS=linux", "GOARCH=arm", "GOARM=7"}},
		{in: "linux/amd64/v3", want: Platform{OS: "linux", Arch: "amd64", Variant: "v3"}, wantEnv: []string{"GOOS=linux", "GOARCH=amd64", "GOAMD64=v3"}},
		{in: "linux/nope", wantErr: "unknown architecture"},
		{in: "windows/amd64", wantErr: "Linux images only"},
		{in: "amd64", wantErr: "want linux/ARCH"},
		{in: "linux/arm/v9", wantErr: "unknown variant"},
	}
	for _, tc := range tests {
		got, err := Parse(tc.in)
		if tc.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("Parse(%q) error = %v, want one containing %q", tc.in, err, tc.wantErr)
			}
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("Parse(%q) = %+v, %v, want %+v", tc.in, got, err, tc.want)
		}
		if diff := cmp.Diff(tc.wantEnv, got.Env()); diff != "" {
			t.Errorf("%q Env() mismatch (-want +got):\n%s", tc.in, diff)
		}
		if got.String() != tc.in {
			t.Errorf("Parse(%q).String() = %q", tc.in, got.String())
		}
	}
}

// TestOCI: a platform survives the round trip through its OCI form, and
// an image config's platform is the one its fields name.
func TestOCI(t *testing.T) {
	for _, p := range All {
		o := p.OCI()
		if got := FromOCI(o); got != p || o.Architecture != p.Arch || o.Variant != p.Variant {
			t.Errorf("FromOCI(%s.OCI() = %+v) = %s", p, o, got)
		}
	}
	cf := &v1.ConfigFile{OS: "linux", Architecture: "arm", Variant: "v7"}
	if got := FromOCI(Of(cf)).String(); got != "linux/arm/v7" {
		t.Errorf("FromOCI(Of(linux arm v7 config)) = %q, want linux/arm/v7", got)
	}
	if got, _ := ParseList("linux/amd64, linux/arm64"); !slices.Equal(got, All[:2]) {
		t.Errorf("ParseList(linux/amd64, linux/arm64) = %v", got)
	}
}
