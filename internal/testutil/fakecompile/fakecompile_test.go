package fakecompile

import (
	"bytes"
	"context"
	"debug/buildinfo"
	"debug/elf"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/leve-build/leve/pkg/cache"
	"github.com/leve-build/leve/pkg/compile"
	"github.com/leve-build/leve/pkg/platform"
)

// The fixture binaries are what go generate makes of testdata/hello: their
// build info names the package and module of the constants.
func TestFixtures(t *testing.T) {
	for arch, machine := range map[string]elf.Machine{"amd64": elf.EM_X86_64, "arm64": elf.EM_AARCH64} {
		b, err := Binary(arch)
		if err != nil {
			t.Fatal(err)
		}
		info, err := buildinfo.Read(bytes.NewReader(b))
		if err != nil {
			t.Fatalf("%s: %v", arch, err)
		}
		if info.Path != ImportPath || info.Main.Path != Module {
			t.Errorf("%s: build info names %s in %s, want %s in %s", arch, info.Path, info.Main.Path, ImportPath, Module)
		}
		f, err := elf.NewFile(bytes.NewReader(b))
		if err != nil || f.Machine != machine {
			t.Errorf("%s: ELF %v, %v", arch, f, err)
		}
	}
	if _, err := Binary("riscv64"); !errors.Is(err, ErrNoBinary) {
		t.Errorf("Binary(riscv64): %v", err)
	}
}

func TestResolveAndBuild(t *testing.T) {
	ctx := context.Background()
	root := t.TempDir()
	files := map[string]string{"go.mod": "module example.com/shop/v2\n", "cmd/api/main.go": "package main\n", "lib/lib.go": "package lib\n", "main.go": "package main\n"}
	for name, content := range files {
		p := filepath.Join(root, name)
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	var c Compiler
	pkg, err := c.Resolve(ctx, filepath.Join(root, "cmd", "api"), compile.Query{})
	if err != nil || pkg.Name != "api" || pkg.ImportPath != "example.com/shop/v2/cmd/api" || pkg.Module != "example.com/shop/v2" {
		t.Errorf("Resolve(cmd/api) = %+v, %v", pkg, err)
	}
	t.Chdir(filepath.Join(root, "lib"))
	if byPath, err := c.Resolve(ctx, "example.com/shop/v2/cmd/api", compile.Query{}); err != nil || byPath.ImportPath != pkg.ImportPath || byPath.Dir != pkg.Dir || byPath.Name != pkg.Name {
		t.Errorf("Resolve by import path = %+v, %v; want %+v", byPath, err, pkg)
	}
	if _, err := c.Resolve(ctx, filepath.Join(root, "lib"), compile.Query{}); !errors.Is(err, compile.ErrNotMain) {
		t.Errorf("Resolve(lib) = %v, want ErrNotMain", err)
	}
	if _, err := c.Resolve(ctx, filepath.Join(root, "nope"), compile.Query{}); !errors.Is(err, compile.ErrNotFound) {
		t.Errorf("Resolve(nope) = %v, want ErrNotFound", err)
	}
	out := t.TempDir()
	bin, err := c.Build(ctx, pkg, out, compile.Options{Platform: platform.Platform{OS: "linux", Arch: "arm64"}})
	if err != nil {
		t.Fatal(err)
	}
	want, _ := Binary("arm64")
	data, err := bin.ReadFile(ctx)
	if err != nil || !bytes.Equal(data, want) || bin.Digest != cache.Digest(want) || bin.Size != int64(len(want)) || c.Builds.Load() != 1 {
		t.Errorf("Build: %+v, %v", bin, err)
	}
	if err := cache.Verify(ctx, bin.Path); err != nil {
		t.Errorf("the recorded digest does not verify: %v", err)
	}
	if _, err := c.Build(ctx, pkg, out, compile.Options{Platform: platform.Platform{OS: "linux", Arch: "arm", Variant: "v7"}}); !errors.Is(err, ErrNoBinary) {
		t.Errorf("Build for linux/arm/v7: %v, want ErrNoBinary", err)
	}
}
