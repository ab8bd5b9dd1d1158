package exe

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
)

var update = flag.Bool("update", false, "rewrite golden files")

// goldenReport uses every field of the schema once.
var goldenReport = &Report{
	Schema: Schema, Path: "app", Size: 1605794, GOOS: "linux", GOARCH: "amd64", GoVersion: "go1.26.8",
	Main: Module{Path: "example.com/app", Version: "(devel)"},
	Deps: []Module{{Path: "golang.org/x/text", Version: "v0.3.0", Sum: "h1:abc=",
		Replace: &Module{Path: "../text", Version: ""}}},
	Settings: []Setting{{"CGO_ENABLED", "0"}, {"-trimpath", "true"}},
	Sections: []Section{{Name: ".text", Type: "PROGBITS", Flags: "AX", Addr: 0x401000, Offset: 0x1000, FileSize: 655857, MemSize: 655857},
		{Name: ".debug_info", Type: "PROGBITS", Flags: "C", Offset: 0x190000, FileSize: 300000, Compressed: true}},
	Segments: []Segment{{Type: "LOAD", Flags: "R-X", Offset: 0, Vaddr: 0x400000, FileSize: 659953, MemSize: 659953}},
	Strip:    StripInfo{Symtab: true, SymtabSize: 120000, DWARF: true, DWARFSize: 300000, DWARFCompressed: true},
	Linking:  Linking{Interpreter: "/lib64/ld-linux-x86-64.so.2", Needed: []string{"libc.so.6"}, Cgo: true},
	Packages: []PackageSize{{Path: "fmt", Module: "std", Code: 36736, Pcln: 21656, Data: 1800, Debug: 900, Total: 61092, Funcs: 140,
		UsedBy:    []Use{{Package: "main", Calls: 2, Example: "main.main"}},
		CallChain: []string{"main.main", "fmt.Println"}, ImportChain: []string{"example.com/app", "fmt"}, ReflectOnly: 4096}},
	Modules:  []ModuleSize{{Path: "std", Packages: 1, Shared: 5511, Total: 66603}},
	Buckets:  []BucketSize{{Kind: "unattributed", Name: ".rodata", Size: 2048}},
	Coverage: Coverage{Size: 1605794, Packages: 61092, Modules: 5511, Shared: 1537143, Metadata: 0, Unattributed: 2048},
	Needs: []Need{{Kind: NeedCACerts, Files: []string{"/etc/ssl/certs/ca-certificates.crt"},
		Evidence: []string{"linked: crypto/x509.loadSystemRoots"}, Detail: "crypto/x509 loads the system root CAs"}},
	Suggestions: []Suggestion{{Kind: SuggestDWARF, Saving: 300000, Detail: "drop DWARF"}},
	MethodDeadCode: &MethodDeadCode{Disabled: true, Types: 245, ExportedKept: 1044, ExportedDropped: 77, UnexportedDropped: 469,
		IfaceTypes: 29, TableOnly: 593,
		Causes: []ReflectCause{{Function: "main.main", Calls: "reflect.Value.Method", Chain: []string{"main.main", "reflect.Value.Method"},
			Certain: true, Packages: []string{"example.com/lib"}, Source: SourceCallGraph}},
		MayAlso: 1, MayAlsoCallers: []string{"reflect.(*rtype).Methods.func1"},
		ConstantCallers: []ReflectCause{{Function: "main.f", Calls: "reflect.Value.MethodByName", Source: SourceCallGraph}},
		EstimatedCost:   &MethodCost{Bytes: 608647, CodeBytes: 468190, Funcs: 898, Methods: 714, Error: 0.25}},
}

// TestJSONGolden pins the JSON field names of the schema documented in
// docs/analyze-json.md. Run with -update after a deliberate, compatible
// addition.
func TestJSONGolden(t *testing.T) {
	var buf bytes.Buffer
	if err := goldenReport.WriteJSON(&buf); err != nil {
		t.Fatalf("WriteJSON() = %v", err)
	}
	path := filepath.Join("testdata", "report.golden.json")
	if *update {
		if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(string(want), buf.String()); diff != "" {
		t.Errorf("WriteJSON() differs from %s (-want +got):\n%s", path, diff)
	}
	got, err := ReadJSON(bytes.NewReader(want))
	if err != nil {
		t.Fatalf("ReadJSON(%s) = %v", path, err)
	}
	if diff := cmp.Diff(goldenReport, got); diff != "" {
		t.Errorf("ReadJSON(%s) (-want +got):\n%s", path, diff)
	}
}
