package exe

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestCompare(t *testing.T) {
	old := &Report{Size: 1000,
		Packages: []PackageSize{{Path: "fmt", Total: 300}, {Path: "os", Total: 100}},
		Modules:  []ModuleSize{{Path: "std", Total: 400}},
		Sections: []Section{{Name: ".text", FileSize: 500}, {Name: ".bss", MemSize: 80}},
		Needs:    []Need{{Kind: NeedUsers}}}
	new := &Report{Size: 1250,
		Packages: []PackageSize{{Path: "fmt", Total: 300}, {Path: "net", Total: 200}, {Path: "os", Total: 150}},
		Modules:  []ModuleSize{{Path: "std", Total: 650}},
		Sections: []Section{{Name: ".text", FileSize: 700}, {Name: ".bss", MemSize: 9000}},
		Needs:    []Need{{Kind: NeedTZData}, {Kind: NeedDNS}, {Kind: NeedDNS}}}
	want := &Comparison{Old: 1000, New: 1250, Delta: 250,
		Packages:     []Delta{{"net", 0, 200, 200}, {"os", 100, 150, 50}},
		Modules:      []Delta{{"std", 400, 650, 250}},
		Sections:     []Delta{{".text", 500, 700, 200}},
		NeedsAdded:   []string{NeedDNS, NeedTZData},
		NeedsRemoved: []string{NeedUsers},
	}
	if diff := cmp.Diff(want, Compare(old, new)); diff != "" {
		t.Errorf("Compare() (-want +got):\n%s", diff)
	}
}

// TestJSONRoundTrip checks that a real report survives WriteJSON and
// ReadJSON unchanged and that a foreign schema is refused.
func TestJSONRoundTrip(t *testing.T) {
	r, err := openFixture(t, fixture{"server", "amd64", false}).Report()
	if err != nil {
		t.Fatalf("Report() = %v", err)
	}
	var buf bytes.Buffer
	if err := r.WriteJSON(&buf); err != nil {
		t.Fatalf("WriteJSON() = %v", err)
	}
	got, err := ReadJSON(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatalf("ReadJSON() = %v", err)
	}
	if diff := cmp.Diff(r, got); diff != "" {
		t.Errorf("ReadJSON(WriteJSON(r)) (-want +got):\n%s", diff)
	}
	if c := Compare(r, got); c.Delta != 0 || len(c.Packages)+len(c.Sections)+len(c.Modules) != 0 {
		t.Errorf("Compare(r, r) = %+v, want no deltas", c)
	}
	_, err = ReadJSON(strings.NewReader(`{"schema":"other/v9"}`))
	if !errors.Is(err, ErrSchema) {
		t.Errorf("ReadJSON(other schema) = %v, want ErrSchema", err)
	}
}

// TestReportJSONRoundTrip reads a binary and the JSON report saved from
// it and checks that they are equal.
func TestReportJSONRoundTrip(t *testing.T) {
	bin := build(t, fixture{"hello", "amd64", true})
	f, err := Open(bin)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	fromBin, err := f.Report()
	if err != nil {
		t.Fatalf("Report(binary) = %v", err)
	}
	var saved bytes.Buffer
	if err := fromBin.WriteJSON(&saved); err != nil {
		t.Fatal(err)
	}
	fromJSON, err := ReadJSON(&saved)
	if err != nil {
		t.Fatalf("ReadJSON = %v", err)
	}
	if diff := cmp.Diff(fromBin, fromJSON); diff != "" {
		t.Errorf("ReadJSON(WriteJSON(r)) (-binary +json):\n%s", diff)
	}
}

// TestCompareMethodDeadCode checks that a diff says when the elimination
// was turned off or back on, with the causes of the side where it is off.
func TestCompareMethodDeadCode(t *testing.T) {
	on := &Report{MethodDeadCode: &MethodDeadCode{ExportedDropped: 10}}
	cause := ReflectCause{Function: "main.main", Calls: "reflect.Value.Method", Chain: []string{"main.main", "reflect.Value.Method"}, Certain: true}
	off := &Report{MethodDeadCode: &MethodDeadCode{Disabled: true, TableOnly: 5, Causes: []ReflectCause{cause},
		EstimatedCost: &MethodCost{Bytes: 1000, Error: 0.25}}}
	if c := Compare(on, on); c.MethodDeadCode != nil {
		t.Errorf("Compare(on, on).MethodDeadCode = %+v, want nil", c.MethodDeadCode)
	}
	c := Compare(on, off)
	if m := c.MethodDeadCode; m == nil || m.OldDisabled || !m.NewDisabled || len(m.Causes) != 1 || m.EstimatedCost.Bytes != 1000 {
		t.Errorf("Compare(on, off).MethodDeadCode = %+v, want turned off with the new side's cause and cost", m)
	}
	if m := Compare(off, on).MethodDeadCode; m == nil || !m.OldDisabled || m.NewDisabled || len(m.Causes) != 1 {
		t.Errorf("Compare(off, on).MethodDeadCode = %+v, want turned back on with the old side's cause", m)
	}
	if c := Compare(&Report{}, off); c.MethodDeadCode != nil {
		t.Errorf("Compare(old result without the field, off) = %+v, want nil: unknown is not a change", c.MethodDeadCode)
	}
}
