package exe

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestNeeds checks the run-time needs of real binaries: each need that is
// there is found, and nothing that is not there.
func TestNeeds(t *testing.T) {
	tests := []struct {
		prog   string
		arches []string
		want   []string // need kinds, sorted
		static bool
		cgo    bool
	}{
		{"hello", []string{"amd64", "arm64"}, nil, true, false},
		{"server", []string{"amd64", "arm64"}, []string{NeedCACerts, NeedDNS, NeedTZData}, true, false},
		{"user", []string{"amd64", "arm64"}, []string{NeedUsers}, true, false},
		{"cgo", []string{"amd64"}, []string{NeedLibs}, false, true},
		{"tzembed", []string{"amd64"}, []string{NeedTempDir}, true, false},
		{"cgonet", []string{"amd64"}, []string{NeedDNS, NeedDNS, NeedLibs}, false, true},
	}
	for _, tt := range tests {
		for _, goarch := range tt.arches {
			for _, stripped := range []bool{true, false} {
				fx := fixture{tt.prog, goarch, stripped}
				t.Run(fx.String(), func(t *testing.T) {
					t.Parallel()
					r, err := openFixture(t, fx).Report()
					if err != nil {
						t.Fatalf("Report() = %v", err)
					}
					var got []string
					for _, n := range r.Needs {
						got = append(got, n.Kind)
						if len(n.Evidence) == 0 || n.Detail == "" {
							t.Errorf("need %q has no evidence or detail: %+v", n.Kind, n)
						}
					}
					if diff := cmp.Diff(tt.want, got); diff != "" {
						t.Errorf("Report().Needs kinds (-want +got):\n%s", diff)
					}
					if r.Linking.Static != tt.static || r.Linking.Cgo != tt.cgo {
						t.Errorf("Report().Linking = %+v, want static %v, cgo %v", r.Linking, tt.static, tt.cgo)
					}
					if r.Strip.Stripped != stripped {
						t.Errorf("Report().Strip.Stripped = %v, want %v", r.Strip.Stripped, stripped)
					}
					if r.GOARCH != goarch {
						t.Errorf("Report().GOARCH = %q, want %q", r.GOARCH, goarch)
					}
				})
			}
		}
	}
}

// TestReportBuildInfo checks the build information of the hello fixture.
func TestReportBuildInfo(t *testing.T) {
	r, err := openFixture(t, fixture{"hello", "amd64", true}).Report()
	if err != nil {
		t.Fatalf("Report() = %v", err)
	}
	if r.Main.Path != "example.com/hello" || r.GoVersion == "" {
		t.Errorf("Report() main = %+v, go %q, want example.com/hello and a Go version", r.Main, r.GoVersion)
	}
	settings := map[string]string{}
	for _, s := range r.Settings {
		settings[s.Key] = s.Value
	}
	want := map[string]string{"CGO_ENABLED": "0", "-trimpath": "true", "GOARCH": "amd64", "GOOS": "linux"}
	for k, v := range want {
		if settings[k] != v {
			t.Errorf("Report() setting %s = %q, want %q", k, settings[k], v)
		}
	}
	if _, ok := settings["GOAMD64"]; !ok {
		t.Errorf("Report() settings %v have no GOAMD64", settings)
	}
}
