package report

import (
	"bytes"
	"strings"
	"testing"

	"github.com/leve-build/leve/pkg/exe"
)

// sampleAnalysis is a fixed report of a small net/http program, so that
// the golden files do not depend on the Go toolchain that runs the tests.
func sampleAnalysis() *exe.Report {
	pkgs := []exe.PackageSize{
		{Path: "runtime", Module: "std", Code: 410_112, Pcln: 402_331, Data: 182_004, Funcs: 1890},
		{Path: "net/http", Module: "std", Code: 317_700, Pcln: 256_013, Data: 175_821, Funcs: 1512},
		{Path: "crypto/tls", Module: "std", Code: 279_604, Pcln: 174_420, Data: 83_017, Funcs: 801},
		{Path: "net", Module: "std", Code: 185_533, Pcln: 140_310, Data: 75_602, Funcs: 920},
		{Path: "fmt", Module: "std", Code: 38_120, Pcln: 21_400, Data: 6_112, Funcs: 190},
		{Path: "golang.org/x/net/http2/hpack", Module: "golang.org/x/net", Code: 20_480, Pcln: 9_011, Data: 14_300, Funcs: 98},
		{Path: "github.com/example/server/internal/handlers/a/very/long/package/path/that/gets/clipped", Module: "github.com/example/server", Code: 12_000, Pcln: 6_000, Data: 2_500, Funcs: 40},
		{Path: "main", Module: "github.com/example/server", Code: 3_204, Pcln: 1_800, Data: 920, Funcs: 12},
	}
	var pkgTotal int64
	for i := range pkgs {
		pkgs[i].Total = pkgs[i].Code + pkgs[i].Pcln + pkgs[i].Data
		pkgTotal += pkgs[i].Total
	}
	r := &exe.Report{
		Schema: exe.Schema, Path: "/tmp/build/server", GOOS: "linux", GOARCH: "amd64", GoVersion: "go1.26.8",
		Main: exe.Module{Path: "github.com/example/server", Version: "(devel)"},
		Deps: []exe.Module{{Path: "golang.org/x/net", Version: "v0.40.0", Sum: "h1:abc="}},
		Sections: []exe.Section{
			{Name: ".text", Type: "PROGBITS", Flags: "AX", FileSize: 1_290_000, MemSize: 1_290_000},
			{Name: ".rodata", Type: "PROGBITS", Flags: "A", FileSize: 540_000, MemSize: 540_000},
			{Name: ".gopclntab", Type: "PROGBITS", Flags: "A", FileSize: 1_020_000, MemSize: 1_020_000},
			{Name: ".go.buildinfo", Type: "PROGBITS", Flags: "WA", FileSize: 368, MemSize: 368},
			{Name: ".noptrdata", Type: "PROGBITS", Flags: "WA", FileSize: 38_000, MemSize: 38_000},
			{Name: ".data", Type: "PROGBITS", Flags: "WA", FileSize: 12_000, MemSize: 12_000},
			{Name: ".bss", Type: "NOBITS", Flags: "WA", MemSize: 33_554_432},
			{Name: ".debug_info", Type: "PROGBITS", Flags: "C", FileSize: 40_000, Compressed: true},
		},
		Strip:    exe.StripInfo{DWARF: true, DWARFSize: 40_000, DWARFCompressed: true},
		Linking:  exe.Linking{Static: true},
		Packages: pkgs,
		Buckets: []exe.BucketSize{
			{Kind: "shared", Name: "shared types", Size: 61_230},
			{Kind: "metadata", Name: "DWARF", Size: 40_000},
			{Kind: "unattributed", Name: ".rodata", Size: 14_100},
			{Kind: "metadata", Name: "ELF headers", Size: 4_096},
			{Kind: "unattributed", Name: ".text", Size: 16},
		},
		Needs: []exe.Need{
			{Kind: exe.NeedCACerts, Files: []string{"/etc/ssl/certs/ca-certificates.crt"}, Evidence: []string{"linked: crypto/x509.loadSystemRoots", "linked: crypto/x509.initSystemRoots"}, Detail: "crypto/x509 loads the system root certificates"},
			{Kind: exe.NeedDNS, Files: []string{"/etc/resolv.conf", "/etc/hosts", "/etc/nsswitch.conf"}, Evidence: []string{"linked: net.(*Resolver).lookupIPAddr"}, Detail: "the Go resolver reads the resolver configuration"},
		},
		Suggestions: []exe.Suggestion{
			{Kind: exe.SuggestDWARF, Saving: 40_000, Detail: "drop DWARF with -ldflags=-w"},
			{Kind: exe.SuggestPackage, Saving: 749_534, Detail: "net/http weighs 749.5 KB; dropping its last import saves up to that"},
			{Kind: exe.SuggestCgo, Detail: "build with CGO_ENABLED=0"},
		},
	}
	r.Packages[1].ImportChain = []string{"github.com/example/server", "net/http"}
	r.Packages[1].CallChain = []string{"main.main", "net/http.ListenAndServe"}
	r.Packages[4].ImportChain = []string{"github.com/example/server", "net/http", "fmt"}
	r.MethodDeadCode = &exe.MethodDeadCode{Disabled: true, Types: 812, ExportedKept: 4210, ExportedDropped: 64, IfaceTypes: 140, TableOnly: 1930,
		Causes: []exe.ReflectCause{{Function: "text/template.(*state).evalField", Calls: "reflect.Value.MethodByName", Certain: true, Source: exe.SourceDumpDep,
			Chain: []string{"main.main", "github.com/example/server/internal/handlers.render", "text/template.(*Template).execute", "text/template.(*state).walk",
				"text/template.(*state).evalPipeline", "text/template.(*state).evalCommand", "text/template.(*state).evalFieldChain", "text/template.(*state).evalField", "reflect.Value.MethodByName"},
			Packages: []string{"github.com/example/server/internal/handlers", "text/template"}}},
		MayAlso: 4, MayAlsoCallers: []string{"reflect.(*Value).Method", "reflect.(*rtype).Methods.func1"},
		EstimatedCost: &exe.MethodCost{Bytes: 1_210_000, Funcs: 2900, Methods: 1930, Error: 0.4}}
	r.Modules = []exe.ModuleSize{
		{Path: "std", Packages: 5, Shared: 22_000},
		{Path: "golang.org/x/net", Version: "v0.40.0", Packages: 1, Shared: 0},
		{Path: "github.com/example/server", Version: "(devel)", Packages: 2, Shared: 310},
	}
	var modTotal, modShared int64
	for i := range r.Modules {
		m := &r.Modules[i]
		m.Total = m.Shared
		for _, p := range pkgs {
			if p.Module == m.Path {
				m.Total += p.Total
			}
		}
		modTotal += m.Total
		modShared += m.Shared
	}
	var shared, meta, un int64
	for _, b := range r.Buckets {
		switch b.Kind {
		case "shared":
			shared += b.Size
		case "metadata":
			meta += b.Size
		default:
			un += b.Size
		}
	}
	r.Size = modTotal + shared + meta + un
	r.Coverage = exe.Coverage{Size: r.Size, Packages: pkgTotal, Modules: modShared, Shared: shared, Metadata: meta, Unattributed: un}
	return r
}

// sampleGrown is sampleAnalysis after a change: fmt removed, a package
// added, net/http grown and DWARF stripped.
func sampleGrown() *exe.Report {
	r := sampleAnalysis()
	r.Path = "/tmp/build/server.new"
	var pkgs []exe.PackageSize
	for _, p := range r.Packages {
		switch p.Path {
		case "fmt":
			continue
		case "net/http":
			p.Code += 30_000
			p.Total += 30_000
		}
		pkgs = append(pkgs, p)
	}
	pkgs = append(pkgs, exe.PackageSize{Path: "encoding/json", Module: "std", Code: 90_000, Pcln: 40_000, Data: 20_000, Total: 150_000})
	r.Packages = pkgs
	r.Modules[0].Total += 30_000 + 150_000 - 65_632
	r.Sections[0].FileSize += 120_000
	r.Sections[2].FileSize += 40_000
	r.Sections = r.Sections[:len(r.Sections)-1]
	r.Size += 30_000 + 150_000 - 65_632 - 40_000
	// The new build no longer reaches text/template.
	r.MethodDeadCode = &exe.MethodDeadCode{Types: 790, ExportedKept: 310, ExportedDropped: 3900, IfaceTypes: 130, IfaceDropped: 420, TableOnly: 12}
	return r
}

func TestAnalyzeGolden(t *testing.T) {
	for _, tc := range []struct {
		name string
		o    AnalyzeOptions
	}{
		{"analyze.txt.golden", AnalyzeOptions{Top: 20}},
		{"analyze_top3.txt.golden", AnalyzeOptions{Top: 3, Notes: []string{"analysed the original executable inside the packed file server.packed"}}},
	} {
		r := sampleAnalysis()
		if tc.o.Top == 3 {
			// With a symbol table, the packages table gets a symtab column.
			r.Strip.Symtab, r.Strip.SymtabSize = true, 9_000
			r.Packages[0].Debug, r.Packages[0].Total = 9_000, r.Packages[0].Total+9_000
		}
		var buf bytes.Buffer
		if err := Analyze(&buf, r, tc.o); err != nil {
			t.Fatal(err)
		}
		golden(t, tc.name, buf.Bytes())
	}
}

func TestAnalyzeDiffGolden(t *testing.T) {
	var buf bytes.Buffer
	if err := AnalyzeDiff(&buf, sampleAnalysis(), sampleGrown(), DiffOptions{OldName: "server", NewName: "server.new", Top: 3}); err != nil {
		t.Fatal(err)
	}
	golden(t, "analyze_diff.txt.golden", buf.Bytes())
}

func TestCoverageLineShowsRemainder(t *testing.T) {
	got := CoverageLine(sampleAnalysis())
	for _, want := range []string{"attributed ", "unattributed 14.1 kB in .rodata, 16 B in .text", "shared 61.2 kB", "metadata 44.1 kB"} {
		if !strings.Contains(got, want) {
			t.Errorf("CoverageLine() = %q, want it to contain %q", got, want)
		}
	}
}
