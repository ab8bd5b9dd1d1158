package exe

import (
	"runtime/debug"
	"testing"
)

func TestPkgOfSymbol(t *testing.T) {
	mods := newModuleSet(&debug.BuildInfo{
		Main: debug.Module{Path: "example.com/app"},
		Deps: []*debug.Module{{Path: "gopkg.in/yaml.v3", Version: "v3.0.1"}, {Path: "github.com/a/b", Version: "v1.0.0"}},
	})
	tests := []struct{ name, want string }{
		{"runtime.main", "runtime"},
		{"fmt.(*pp).printArg", "fmt"},
		{"main.main.func1", "main"},
		{"github.com/a/b/c.(*T).M", "github.com/a/b/c"},
		{"gopkg.in/yaml.v3.Unmarshal", "gopkg.in/yaml.v3"},
		{"gopkg.in/yaml.v3/sub.F", "gopkg.in/yaml.v3/sub"},
		{"slices.SortFunc[go.shape.[]string,go.shape.string]", "slices"},
		{"internal/sync.(*HashTrieMap[go.shape.interface {},go.shape.interface {}]).Load", "internal/sync"},
		{"type:.eq.[8]internal/cpu.option", "internal/cpu"},
		{"type:.eq.runtime.untracedG·7", "runtime"},
		{"type:*fmt.pp", "fmt"},
		{"type:.eq.[2]interface {}", ""},
		{"go:buildid", ""},
		{"go.shape.struct { encoding/json.v reflect.Value }.F", ""},
		{"crypto/internal/entropy/v1%2e0%2e0.Seed", "crypto/internal/entropy/v1.0.0"},
		{"memeqbody", ""},
	}
	for _, tt := range tests {
		if got := pkgOfSymbol(tt.name, mods); got != tt.want {
			t.Errorf("pkgOfSymbol(%q) = %q, want %q", tt.name, got, tt.want)
		}
	}
}

func TestModule(t *testing.T) {
	mods := newModuleSet(&debug.BuildInfo{
		Main: debug.Module{Path: "example.com/app"},
		Deps: []*debug.Module{{Path: "github.com/a/b", Version: "v1.0.0"}, {Path: "github.com/a/b/v2", Version: "v2.1.0"}},
	})
	tests := []struct{ pkg, want string }{
		{"main", "example.com/app"},
		{"example.com/app/internal/x", "example.com/app"},
		{"github.com/a/b/c", "github.com/a/b"},
		{"github.com/a/b/v2/c", "github.com/a/b/v2"},
		{"github.com/a/bc", moduleUnknown},
		{"net/http", moduleStd},
		{"vendor/golang.org/x/net/idna", moduleStd},
		{"cmd/go/internal/work", "cmd"},
	}
	for _, tt := range tests {
		if got := mods.module(tt.pkg); got != tt.want {
			t.Errorf("module(%q) = %q, want %q", tt.pkg, got, tt.want)
		}
	}
}
