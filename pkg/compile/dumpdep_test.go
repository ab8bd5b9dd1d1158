package compile

import (
	"bytes"
	"context"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/leve-build/leve/internal/testutil"
	"github.com/leve-build/leve/pkg/platform"
)

// dumpSample is the shape of the linker's -dumpdep output, with go build's
// package header and a message line among the edges.
const dumpSample = `# example.com/app
_ -> _rt0_amd64_linux
_rt0_amd64_linux -> runtime.main_main·f
runtime.main_main·f -> main.main
main.main -> example.com/app/lib.Render
 -> go:info.uintptr
example.com/app/lib.Render -> example.com/app/lib.eval <ReflectMethod>
example.com/app/lib.eval <ReflectMethod> -> reflect.Value.MethodByName
main.main -> type:struct { Now time.Time } <UsedInIface>
type:reflect.Value <UsedInIface> -> reflect.(*Value).Method <ReflectMethod>
type:reflect.Value <UsedInIface> -> runtime.gcbits.0100000000000000
main.main -> example.com/app/lib.Render
 -> go:info.uintptr
warning: something the linker said
`

func TestReadDumpDep(t *testing.T) {
	var rest bytes.Buffer
	g, err := ReadDumpDep(strings.NewReader(dumpSample), &rest)
	if err != nil {
		t.Fatal(err)
	}
	if want := "# example.com/app\nwarning: something the linker said\n"; rest.String() != want {
		t.Errorf("other lines = %q, want %q", rest.String(), want)
	}
	if diff := cmp.Diff([]string{"example.com/app/lib.eval", "reflect.(*Value).Method"}, g.ReflectMethods()); diff != "" {
		t.Errorf("ReflectMethods() (-want +got):\n%s", diff)
	}
	chain, certain := g.Chain("example.com/app/lib.eval")
	if want := []string{"main.main", "example.com/app/lib.Render", "example.com/app/lib.eval"}; !slices.Equal(chain, want) || !certain {
		t.Errorf("Chain(lib.eval) = %v, %v, want %v, true", chain, certain, want)
	}
	chain, certain = g.Chain("reflect.(*Value).Method")
	if want := []string{"type:reflect.Value", "reflect.(*Value).Method"}; !slices.Equal(chain, want) || certain {
		t.Errorf("Chain((*Value).Method) = %v, %v, want %v through a type-to-method edge, false", chain, certain, want)
	}
	if _, ok := g.index["type:struct { Now time.Time }"]; !ok {
		t.Errorf("a type name with spaces lost its name: %v", g.names)
	}
}

// TestBuildDumpDep reads the real dump of a program whose main calls
// reflect.Value.Method, on a first and on an up-to-date build.
func TestBuildDumpDep(t *testing.T) {
	if testing.Short() {
		t.Skip("links a program with -dumpdep; skipped in -short mode")
	}
	mod := testutil.Module(t, map[string]string{
		"main.go": "package main\nimport (\"os\"; \"reflect\"; \"time\")\nfunc main() { reflect.ValueOf(time.Now()).Method(len(os.Args)) }\n",
	})
	t.Chdir(mod)
	ctx := context.Background()
	pkg, err := Resolve(ctx, ".", Query{Platform: platform.Default})
	if err != nil {
		t.Fatal(err)
	}
	out := t.TempDir()
	for i := range 2 {
		var stderr bytes.Buffer
		bin, err := Build(ctx, pkg, out, Options{Platform: platform.Default, DumpDep: true, Stderr: &stderr})
		if err != nil {
			t.Fatalf("Build #%d: %v", i+1, err)
		}
		if bin.Deps == nil || bin.Deps.Len() < 1000 || !slices.Contains(bin.Deps.ReflectMethods(), "main.main") {
			t.Fatalf("Build #%d: Deps = %v, want a dump with main.main marked <ReflectMethod>", i+1, bin.Deps)
		}
		if stderr.Len() != 0 {
			t.Errorf("Build #%d: Stderr = %.200q, want nothing: the dump and go build's header over it are not messages", i+1, stderr.String())
		}
	}
}

// TestBuildDumpDepKeepsGOFLAGS checks that -ldflags=-dumpdep does not drop
// the -ldflags a user sets in GOFLAGS.
func TestBuildDumpDepKeepsGOFLAGS(t *testing.T) {
	if testing.Short() {
		t.Skip("links a program with -dumpdep; skipped in -short mode")
	}
	ctx, pkg := stampedByGOFLAGS(t)
	bin, err := Build(ctx, pkg, t.TempDir(), Options{Platform: platform.Default, DumpDep: true})
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(bin.Path)
	if err != nil || !bytes.Contains(data, []byte("fromgoflags")) || bin.Deps == nil || bin.Deps.Len() == 0 {
		t.Errorf("Build with DumpDep under GOFLAGS=-ldflags=-X=…: stamped %v, dump %v; want both", bytes.Contains(data, []byte("fromgoflags")), bin.Deps)
	}
}
