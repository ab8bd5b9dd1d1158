package compile

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/leve-build/leve/internal/testutil"
	"github.com/leve-build/leve/pkg/platform"
)

const mainGo = "package main\nfunc main() {}\n"

// TestResolveInProcess checks that, for module layouts that need no
// network, Resolve gives the same Package or error with and without the
// in-process resolution, and that it is used exactly where expected.
func TestResolveInProcess(t *testing.T) {
	amd64, arm64 := platform.Platform{OS: "linux", Arch: "amd64"}, platform.Platform{OS: "linux", Arch: "arm64"}
	mod := func(path string, files map[string]string) map[string]string {
		files["go.mod"] = "module " + path + "\n\ngo 1.26\n"
		return files
	}
	platformFiles := mod("example.com/m", map[string]string{
		"cmd/app/main.go":      "package main\nfunc main() { hi() }\n",
		"cmd/app/hi_linux.go":  "//go:build linux\npackage main\nfunc hi() {}\n",
		"cmd/app/hi_other.go":  "//go:build !linux\npackage main\nfunc hi() {}\n",
		"cmd/app/c_amd64.go":   "package main\n// int x;\nimport \"C\"\n",
		"cmd/app/main_test.go": "package main_test\n",
	})
	work := mod("example.com/m", map[string]string{"cmd/app/main.go": mainGo, "go.work": "go 1.26\n\nuse ./other\n", "other/go.mod": "module example.com/other\n"})
	tests := []struct {
		name, dir string
		link      string // a symlink named link at the root, to dir
		files     map[string]string
		q         Query
		env       map[string]string
		local     bool
	}{
		{name: "root package", dir: ".", files: mod("example.com/m", map[string]string{"main.go": mainGo}), local: true},
		{name: "nested dir", dir: "cmd/app", files: mod("example.com/m", map[string]string{"cmd/app/main.go": mainGo}), local: true},
		{name: "v2 root", dir: ".", files: mod("example.com/m/v2", map[string]string{"main.go": mainGo}), local: true},
		{name: "v2 nested", dir: "cmd/tool", files: mod("example.com/m/v2", map[string]string{"cmd/tool/main.go": mainGo}), local: true},
		{name: "nested module", dir: "sub/cmd", files: mod("example.com/m", map[string]string{"sub/go.mod": "module example.com/sub\n", "sub/cmd/main.go": mainGo}), local: true},
		{name: "platform file arm64", dir: "cmd/app", files: platformFiles, q: Query{Platform: arm64}, local: true},
		{name: "platform cgo file amd64", dir: "cmd/app", files: platformFiles, q: Query{Platform: amd64}},
		{name: "platform cgo file amd64 with cgo", dir: "cmd/app", files: platformFiles, q: Query{Platform: amd64, Settings: Settings{Cgo: true}}, local: true},
		{name: "cgo", dir: ".", files: mod("example.com/m", map[string]string{"main.go": "package main\nimport \"C\"\nfunc main() {}\n"})},
		{name: "cgo allowed", dir: ".", files: mod("example.com/m", map[string]string{"main.go": "package main\nimport \"C\"\nfunc main() {}\n"}), q: Query{Settings: Settings{Cgo: true}}, local: true},
		{name: "query tags", dir: ".", files: mod("example.com/m", map[string]string{"main.go": "//go:build extra\npackage main\nfunc main() {}\n"}), q: Query{Settings: Settings{Tags: []string{"extra"}}}, local: true},
		{name: "tags excluding all", dir: ".", files: mod("example.com/m", map[string]string{"main.go": "//go:build extra\npackage main\nfunc main() {}\n"})},
		{name: "release tag", dir: ".", files: mod("example.com/m", map[string]string{"main.go": "//go:build go1.21\npackage main\nfunc main() {}\n"})},
		{name: "non-main", dir: "lib", files: mod("example.com/m", map[string]string{"lib/lib.go": "package lib\n"})},
		{name: "mixed packages", dir: ".", files: mod("example.com/m", map[string]string{"main.go": mainGo, "lib.go": "package lib\n"})},
		{name: "no package clause", dir: ".", files: mod("example.com/m", map[string]string{"main.go": "func main() {}\n"})},
		{name: "no Go files", dir: "empty", files: mod("example.com/m", map[string]string{"empty/README": "x"})},
		{name: "testdata", dir: "testdata/app", files: mod("example.com/m", map[string]string{"testdata/app/main.go": mainGo})},
		{name: "go.work", dir: "cmd/app", files: work},
		{name: "go.work off", dir: "cmd/app", files: work, env: map[string]string{"GOWORK": "off"}, local: true},
		{name: "GOFLAGS tags", dir: ".", files: mod("example.com/m", map[string]string{"main.go": mainGo, "lib.go": "//go:build extra\npackage lib\n"}), env: map[string]string{"GOFLAGS": "-tags=extra"}},
		{name: "GOFLAGS modfile", dir: ".", files: mod("example.com/m", map[string]string{"main.go": mainGo, "alt.mod": "module example.com/alt\n\ngo 1.26\n"}), env: map[string]string{"GOFLAGS": "-modfile=alt.mod"}},
		{name: "GO111MODULE off", dir: ".", files: mod("example.com/m", map[string]string{"main.go": mainGo}), env: map[string]string{"GO111MODULE": "off"}},
		{name: "newer go", dir: ".", files: map[string]string{"go.mod": "module example.com/m\n\ngo 1.99\n", "main.go": mainGo}, env: map[string]string{"GOTOOLCHAIN": "local"}},
		{name: "symlinked dir", dir: "cmd/app", link: "app", files: mod("example.com/m", map[string]string{"cmd/app/main.go": mainGo})},
		{name: "godebug", dir: ".", files: map[string]string{"go.mod": "module example.com/m\n\ngo 1.26\n\ngodebug nosuchsetting=1\n", "main.go": mainGo}},
		{name: "ignore", dir: "cmd/app", files: map[string]string{"go.mod": "module example.com/m\n\ngo 1.26\n\nignore ./cmd\n", "cmd/app/main.go": mainGo}},
		{name: "vendor", dir: ".", files: mod("example.com/m", map[string]string{"main.go": mainGo, "vendor/modules.txt": "# example.com/x v1.0.0\n## explicit\nexample.com/x\n"})},
		{name: "bad go.mod", dir: ".", files: map[string]string{"go.mod": "module example.com/m\n\nrequire\n", "main.go": mainGo}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			for k, v := range tc.env {
				t.Setenv(k, v)
			}
			if tc.q.Platform == (platform.Platform{}) {
				tc.q.Platform = amd64
			}
			root := t.TempDir()
			testutil.WriteFiles(t, root, tc.files)
			abs := filepath.Join(root, tc.dir)
			if tc.link != "" {
				link := filepath.Join(root, tc.link)
				if err := os.Symlink(abs, link); err != nil {
					t.Fatal(err)
				}
				abs = link
			}
			ctx := context.Background()
			if _, ok := resolveLocal(ctx, abs, findModuleRoot(abs), tc.q); ok != tc.local {
				t.Errorf("resolveLocal(%s) ok = %t, want %t", tc.dir, ok, tc.local)
			}
			got, gotErr := Resolve(ctx, abs, tc.q)
			want, wantErr := resolveListed(ctx, abs, tc.q)
			if tc.local && wantErr != nil {
				t.Fatalf("go list refuses %s: %v; the case must be one go list accepts", tc.dir, wantErr)
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("Resolve(%s) Package mismatch (-go list +in process):\n%s", tc.dir, diff)
			}
			if fmt.Sprint(gotErr) != fmt.Sprint(wantErr) {
				t.Errorf("Resolve(%s) error = %v, want go list's %v", tc.dir, gotErr, wantErr)
			}
		})
	}
}

// resolveListed resolves target with go list only.
func resolveListed(ctx context.Context, target string, q Query) (Package, error) {
	resolveInProcess = false
	defer func() { resolveInProcess = true }()
	return Resolve(ctx, target, q)
}
