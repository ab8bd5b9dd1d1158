package compile

import (
	"bytes"
	"context"
	"debug/elf"
	"os"
	"strings"
	"testing"

	"github.com/leve-build/leve/internal/testutil"
	"github.com/leve-build/leve/pkg/platform"
)

func TestOptionsFlagsDWARF(t *testing.T) {
	pkg := Package{Dir: "/src", ImportPath: "example.com/x", Name: "x"}
	for _, tc := range []struct {
		name string
		o    Options
		want string
	}{
		{"default", Options{}, ""},
		{"no DWARF", Options{NoDWARF: true}, "-ldflags=-w"},
		{"no DWARF, user flags after", Options{NoDWARF: true, Settings: Settings{Ldflags: []string{"-X main.v=1"}}}, "-ldflags=-w -X main.v=1"},
		{"strip wins", Options{Strip: true, NoDWARF: true}, "-ldflags=-s -w"},
	} {
		if got := strings.Join(tc.o.flags(), " "); got != tc.want {
			t.Errorf("%s: flags() = %q, want %q", tc.name, got, tc.want)
		}
	}
	if with, without := (Options{}).key(pkg), (Options{NoDWARF: true}).key(pkg); with == without {
		t.Errorf("key(pkg) = %s with and without NoDWARF, want different output directories", with)
	}
}

// TestBuildNoDWARF checks that NoDWARF links no DWARF but keeps the
// symbol table, and keeps the -ldflags of GOFLAGS that its own -ldflags
// would otherwise replace.
func TestBuildNoDWARF(t *testing.T) {
	ctx, pkg := stampedByGOFLAGS(t)
	out := t.TempDir()
	for _, noDWARF := range []bool{false, true} {
		bin, err := Build(ctx, pkg, out, Options{Platform: platform.Default, NoDWARF: noDWARF})
		if err != nil {
			t.Fatal(err)
		}
		data, err := os.ReadFile(bin.Path)
		if err != nil {
			t.Fatal(err)
		}
		f, err := elf.NewFile(bytes.NewReader(data))
		if err != nil {
			t.Fatal(err)
		}
		hasDWARF := f.Section(".debug_info") != nil
		if hasDWARF == noDWARF || f.Section(".symtab") == nil {
			t.Errorf("Build(NoDWARF: %v): .debug_info %v, .symtab %v; want DWARF %v and the symbol table", noDWARF, hasDWARF, f.Section(".symtab") != nil, !noDWARF)
		}
		if !bytes.Contains(data, []byte("fromgoflags")) {
			t.Errorf("Build(NoDWARF: %v) under GOFLAGS=-ldflags=-X=…: not stamped, want GOFLAGS' -ldflags kept", noDWARF)
		}
	}
}

// stampedByGOFLAGS makes the current directory a module whose main prints
// a version that GOFLAGS=-ldflags=-X=main.version=fromgoflags stamps, sets
// that GOFLAGS, and resolves the module's package.
func stampedByGOFLAGS(t *testing.T) (context.Context, Package) {
	t.Helper()
	mod := testutil.Module(t, map[string]string{
		"main.go": "package main\nvar version = \"dev\"\nfunc main() { println(version) }\n",
	})
	t.Chdir(mod)
	t.Setenv("GOFLAGS", "-ldflags=-X=main.version=fromgoflags")
	ctx := context.Background()
	pkg, err := Resolve(ctx, ".", Query{Platform: platform.Default})
	if err != nil {
		t.Fatal(err)
	}
	return ctx, pkg
}
