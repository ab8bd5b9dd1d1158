package report

import (
	"bytes"
	"strings"
	"testing"

	"github.com/leve-build/leve/pkg/exe"
	"github.com/leve-build/leve/pkg/inspect"
)

func sampleInspection() *inspect.Result {
	return &inspect.Result{
		Schema: inspect.Schema, Image: "docker-archive:seed.tar", Platform: "linux/amd64",
		Layers: []inspect.Layer{
			{Index: 0, DiffID: "sha256:aaaaaaaaaaaaaaaa", CreatedBy: "/bin/sh -c #(nop) ADD file:x in /", Size: 2048, CompressedSize: 900, Estimated: true, RepeatOf: -1, Added: 3},
			{Index: 1, DiffID: "sha256:bbbbbbbbbbbbbbbb", CreatedBy: "/bin/sh -c chmod -R 755 /appexec | tee", Size: 4096, CompressedSize: 1500, Estimated: true, RepeatOf: 0, Changed: 2, DiskWaste: 1000},
		},
		Totals: inspect.Totals{Layers: 2, Size: 6144, PullSize: 900, Estimated: true, Files: 3},
		Waste:  inspect.Waste{StoredBytes: 4000, DiskBytes: 1000, Efficiency: 0.75, Paths: []inspect.PathWaste{{Path: "/appexec/app.go", Bytes: 1000, Copies: 1}}},
		Entrypoint: &inspect.Entrypoint{Command: []string{"/bin/sh", "-c", "./app.go"}, ShellForm: true, Program: "./app.go", WorkingDir: "/appexec",
			File: "/appexec/app.go", Size: 3000, ELF: true, Static: true,
			Go: &inspect.GoBinary{GoVersion: "go1.25.8", StripSaves: 900, StrippedSize: 2100, SymtabBytes: 400, DWARFBytes: 500,
				Report: &exe.Report{Size: 3000, Packages: []exe.PackageSize{{Path: "fmt", Module: "std", Code: 1000, Total: 1000}}, Modules: []exe.ModuleSize{{Path: "std", Total: 1000}}}}},
	}
}

func TestInspectRenderers(t *testing.T) {
	r := sampleInspection()
	var text, md, page bytes.Buffer
	if err := InspectText(&text, r); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"pull ~900 B", "~1.5 KB", "aaaaaaaaaaaa*", "bbbbbbbbbbbb* =0", "waste: disk 1.0 KB (1000 B), pull 0 B (0 B), efficiency 75.0 %",
		"/appexec/app.go (1 hidden copy)", "shell form, working dir /appexec", "runs /appexec/app.go, 3.0 KB (3000 B), static", "Go go1.25.8, not stripped", "stripping saves 900 B (900 B)", "~ estimated"} {
		if !strings.Contains(text.String(), want) {
			t.Errorf("text lacks %q:\n%s", want, text.String())
		}
	}
	if err := InspectMarkdown(&md, r); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(md.String(), `chmod -R 755 /appexec \| tee`) || !strings.Contains(md.String(), "| 1 | `bbbbbbbbbbbb*` (= 0) |") {
		t.Errorf("markdown:\n%s", md.String())
	}
	if err := InspectHTML(&page, r); err != nil {
		t.Fatal(err)
	}
	p := page.String()
	for _, want := range []string{`id="layers"`, `id="leve-tree"`, `"n":"fmt"`, "disk waste 1.0 KB", "Go go1.25.8"} {
		if !strings.Contains(p, want) {
			t.Errorf("page lacks %q", want)
		}
	}
	if strings.Contains(p, "src=\"http") || strings.Contains(p, "href=\"http") {
		t.Errorf("the page loads from the network")
	}
	// Without a Go program, no treemap.
	r.Entrypoint = nil
	page.Reset()
	if err := InspectHTML(&page, r); err != nil || strings.Contains(page.String(), `id="leve-tree"`) || !strings.Contains(page.String(), "entrypoint: none") {
		t.Errorf("page without a program: %v", err)
	}
}
