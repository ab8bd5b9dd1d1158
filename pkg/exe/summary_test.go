package exe

import (
	"reflect"
	"testing"
)

// Summary reports what Report does, but for the attribution of bytes.
func TestSummaryMatchesReport(t *testing.T) {
	for _, fx := range []fixture{{"server", "amd64", false}, {"hello", "arm64", true}, {"cgonet", "amd64", false}} {
		t.Run(fx.String(), func(t *testing.T) {
			f := openFixture(t, fx)
			s, err := f.Summary()
			if err != nil {
				t.Fatal(err)
			}
			r, err := f.Report()
			if err != nil {
				t.Fatal(err)
			}
			if len(s.Packages) != 0 || len(s.Suggestions) != 0 {
				t.Errorf("Summary has %d packages and %d suggestions, want none", len(s.Packages), len(s.Suggestions))
			}
			for name, pair := range map[string][2]any{
				"GoVersion": {s.GoVersion, r.GoVersion}, "Main": {s.Main, r.Main}, "Strip": {s.Strip, r.Strip},
				"Linking": {s.Linking, r.Linking}, "Needs": {s.Needs, r.Needs}, "Sections": {s.Sections, r.Sections},
				"Size": {s.Size, r.Size}, "GOARCH": {s.GOARCH, r.GOARCH},
			} {
				if !reflect.DeepEqual(pair[0], pair[1]) {
					t.Errorf("Summary %s = %+v, Report's %+v", name, pair[0], pair[1])
				}
			}
			if len(r.Needs) == 0 && fx.prog == "server" {
				t.Errorf("the server fixture reports no needs: the comparison tests nothing")
			}
		})
	}
}
