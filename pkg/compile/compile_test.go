package compile

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/leve-build/leve/internal/testutil"
	"github.com/leve-build/leve/pkg/platform"
)

func TestResolve(t *testing.T) {
	mod := testutil.Module(t, map[string]string{
		"cmd/app/main.go": "package main\nfunc main() {}\n",
		"lib/lib.go":      "package lib\n",
		"cgo/main.go":     "package main\n// int x;\nimport \"C\"\nfunc main() {}\n",
		"empty/README":    "nothing here",
	})
	lone := t.TempDir()
	testutil.WriteFiles(t, lone, map[string]string{
		"app.go":         "package main\nfunc main() { hi() }\n",
		"hi_linux.go":    "//go:build linux\npackage main\nfunc hi() {}\n",
		"hi_other.go":    "//go:build !linux\npackage main\nfunc hi() {}\n",
		"app_test.go":    "package main\n",
		"lib/lib.go":     "package lib\n",
		"cgo/main.go":    "package main\nimport \"C\"\nfunc main() {}\n",
		"notgo.txt":      "x",
		"emptydir/.keep": "",
	})
	tests := []struct {
		name, dir, target string
		want              Package
		wantErr           error
	}{
		{name: "module dir", dir: mod, target: "./cmd/app", want: Package{Name: "app", ImportPath: "example.com/m/cmd/app", Args: []string{"example.com/m/cmd/app"}, Module: "example.com/m"}},
		{name: "import path", dir: mod, target: "example.com/m/cmd/app", want: Package{Name: "app", ImportPath: "example.com/m/cmd/app", Args: []string{"example.com/m/cmd/app"}, Module: "example.com/m"}},
		{name: "library", dir: mod, target: "./lib", wantErr: ErrNotMain},
		{name: "cgo", dir: mod, target: "./cgo", wantErr: ErrCgo},
		{name: "empty", dir: mod, target: "./empty", wantErr: ErrNoGoFiles},
		{name: "missing path", dir: mod, target: "./nope", wantErr: ErrNotFound},
		{name: "missing import path", dir: mod, target: "example.com/m/nope", wantErr: ErrNotFound},
		{name: "path at version", dir: mod, target: "golang.org/x/tools/cmd/stringer@latest", wantErr: ErrNotFound},
		{name: "many", dir: mod, target: "./...", wantErr: ErrMultiple},
		{name: "lone file", dir: lone, target: "app.go", want: Package{Name: "app", ImportPath: "command-line-arguments", Args: []string{"app.go"}}},
		{name: "lone dir", dir: lone, target: ".", want: Package{Name: filepath.Base(lone), ImportPath: "command-line-arguments", Args: []string{"app.go", "hi_linux.go"}}},
		{name: "lone library", dir: lone, target: "./lib", wantErr: ErrNotMain},
		{name: "lone cgo", dir: lone, target: "./cgo", wantErr: ErrCgo},
		{name: "lone empty", dir: lone, target: "./emptydir", wantErr: ErrNoGoFiles},
		{name: "not a go file", dir: lone, target: "notgo.txt", wantErr: ErrNotFound},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Chdir(tc.dir)
			got, err := Resolve(context.Background(), tc.target, Query{Platform: platform.Default})
			if tc.wantErr != nil {
				if !errors.Is(err, tc.wantErr) {
					t.Fatalf("Resolve(%q) error = %v, want %v", tc.target, err, tc.wantErr)
				}
				if strings.Contains(err.Error(), "\n") {
					t.Errorf("Resolve(%q) error spans lines: %q", tc.target, err)
				}
				return
			}
			if err != nil {
				t.Fatalf("Resolve(%q): %v", tc.target, err)
			}
			got.Dir = ""
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("Resolve(%q) mismatch (-want +got):\n%s", tc.target, diff)
			}
		})
	}
}

func TestBuild(t *testing.T) {
	mod := testutil.Module(t, map[string]string{
		"main.go":     "package main\nvar version = \"dev\"\nfunc main() { println(version) }\n",
		"bad/main.go": "package main\nfunc main() { undefinedThing() }\n",
	})
	t.Chdir(mod)
	ctx := context.Background()
	pkg, err := Resolve(ctx, ".", Query{Platform: platform.Default})
	if err != nil {
		t.Fatal(err)
	}
	out := t.TempDir()
	o := Options{Platform: platform.Default, Settings: Settings{Ldflags: []string{"-X main.version=1.2"}}}
	bin, err := Build(ctx, pkg, out, o)
	if err != nil {
		t.Fatalf("Build: %v", err)
	}
	data, err := os.ReadFile(bin.Path)
	if err != nil || !bytes.Contains(data, []byte("1.2")) || bin.Size != int64(len(data)) {
		t.Fatalf("Build wrote %s (%d bytes, err %v), want a binary stamped with 1.2", bin.Path, bin.Size, err)
	}
	again, err := Build(ctx, pkg, out, o)
	if err != nil || again.Path != bin.Path {
		t.Errorf("rebuild = %q, %v, want the same path %q", again.Path, err, bin.Path)
	}

	bad, err := Resolve(ctx, "./bad", Query{Platform: platform.Default})
	if err != nil {
		t.Fatal(err)
	}
	var diag bytes.Buffer
	_, err = Build(ctx, bad, out, Options{Platform: platform.Default, Stderr: &diag})
	if !errors.Is(err, ErrCompile) || !strings.Contains(err.Error(), "undefined: undefinedThing") {
		t.Errorf("Build(bad) error = %v, want ErrCompile naming the compiler's message", err)
	}
	if !strings.Contains(diag.String(), "undefined: undefinedThing") {
		t.Errorf("compiler diagnostics not passed through, got %q", diag.String())
	}
}

func TestCommandName(t *testing.T) {
	for in, want := range map[string]string{"example.com/hello": "hello", "example.com/m/cmd/api": "api", "example.com/tool/v2": "tool", "hello": "hello", "example.com/v": "v"} {
		if got := commandName(in); got != want {
			t.Errorf("commandName(%q) = %q, want %q", in, got, want)
		}
	}
}
