package options

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/spf13/pflag"
)

// module writes a module example.com/m with the given leve.yaml (none
// when it is empty) and the directories cmd/one and cmd/two, and returns
// its root.
func module(t *testing.T, leveYAML string) string {
	t.Helper()
	root := t.TempDir()
	files := map[string]string{"go.mod": "module example.com/m\n\ngo 1.26\n", "cmd/one/main.go": "package main\n", "cmd/two/main.go": "package main\n"}
	if leveYAML != "" {
		files[ConfigFile] = leveYAML
	}
	for name, content := range files {
		p := filepath.Join(root, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return root
}

// applied loads the leve.yaml of root, applies it for target under the
// flags args, and validates the result.
func applied(t *testing.T, root, target string, args ...string) (Build, error) {
	t.Helper()
	var b Build
	fs := pflag.NewFlagSet("build", pflag.ContinueOnError)
	b.AddFlags(fs)
	if err := fs.Parse(args); err != nil {
		t.Fatal(err)
	}
	cfg, err := LoadConfig(filepath.Join(root, "cmd", "one"))
	if err != nil {
		return b, err
	}
	return cfg.Apply(b, fs, target), nil
}

const precedenceYAML = `defaults:
  base: alpine:3.24
  user: "1"
  compression: zstd
  level: fast
  sbom: cyclonedx
  platforms: [linux/amd64, linux/arm64]
  ldflags: [-X=main.a=1]
  gcflags: [-N]
  tags: [dflt]
  env: [A=1, B=1]
  labels: {team: leve, tier: dflt}
  ports: ["80"]
  add: [./d:/d]
apps:
  ./cmd/one:
    user: "2"
    level: max
    platforms: [linux/arm64]
    ldflags: [-X=main.b=2]
    tags: [app]
    env: [B=2]
    labels: {tier: app}
    ports: ["81"]
    add: [./a:/a]
`

// TestConfigPrecedence: flags' defaults < leve.yaml defaults < the app's
// settings < flags given; scalars and platforms are replaced, lists add
// up in that order, labels by key.
func TestConfigPrecedence(t *testing.T) {
	root := module(t, precedenceYAML)
	one := filepath.Join(root, "cmd", "one")
	tests := []struct {
		name, target string
		args         []string
		want         Build // the fields compared below
	}{
		{"app by directory", one, nil, Build{Base: "alpine:3.24", User: "2", Compression: "zstd", Level: "max", SBOM: "cyclonedx", Platform: "linux/arm64",
			Ldflags: []string{"-X=main.a=1", "-X=main.b=2"}, Gcflags: []string{"-N"}, Tags: []string{"dflt", "app"}, Env: []string{"A=1", "B=1", "B=2"},
			Labels: []string{"team=leve", "tier=app"}, Ports: []string{"80", "81"}, Adds: []string{"./d:/d", "./a:/a"}}},
		{"app by import path", "example.com/m/cmd/one", nil, Build{Base: "alpine:3.24", User: "2", Compression: "zstd", Level: "max", SBOM: "cyclonedx", Platform: "linux/arm64",
			Ldflags: []string{"-X=main.a=1", "-X=main.b=2"}, Gcflags: []string{"-N"}, Tags: []string{"dflt", "app"}, Env: []string{"A=1", "B=1", "B=2"},
			Labels: []string{"team=leve", "tier=app"}, Ports: []string{"80", "81"}, Adds: []string{"./d:/d", "./a:/a"}}},
		{"another app gets the defaults", filepath.Join(root, "cmd", "two"), nil, Build{Base: "alpine:3.24", User: "1", Compression: "zstd", Level: "fast", SBOM: "cyclonedx", Platform: "linux/amd64,linux/arm64",
			Ldflags: []string{"-X=main.a=1"}, Gcflags: []string{"-N"}, Tags: []string{"dflt"}, Env: []string{"A=1", "B=1"},
			Labels: []string{"team=leve", "tier=dflt"}, Ports: []string{"80"}, Adds: []string{"./d:/d"}}},
		{"flags win and come last", one, []string{"--base", "scratch", "--user", "3", "--compression", "gzip", "--level", "default", "--sbom", "none", "--platform", "linux/386",
			"--ldflags", "-X=main.c=3", "--gcflags", "-l", "--tags", "flag", "--env", "B=3", "--label", "tier=flag", "--port", "82", "--add", "./f:/f"},
			Build{Base: "scratch", User: "3", Compression: "gzip", Level: "default", SBOM: "none", Platform: "linux/386",
				Ldflags: []string{"-X=main.a=1", "-X=main.b=2", "-X=main.c=3"}, Gcflags: []string{"-N", "-l"}, Tags: []string{"dflt", "app", "flag"}, Env: []string{"A=1", "B=1", "B=2", "B=3"},
				Labels: []string{"team=leve", "tier=app", "tier=flag"}, Ports: []string{"80", "81", "82"}, Adds: []string{"./d:/d", "./a:/a", "./f:/f"}}},
		{"a flag given with leve's default value still wins", one, []string{"--base", "scratch", "--level", "default"},
			Build{Base: "scratch", User: "2", Compression: "zstd", Level: "default", SBOM: "cyclonedx", Platform: "linux/arm64",
				Ldflags: []string{"-X=main.a=1", "-X=main.b=2"}, Gcflags: []string{"-N"}, Tags: []string{"dflt", "app"}, Env: []string{"A=1", "B=1", "B=2"},
				Labels: []string{"team=leve", "tier=app"}, Ports: []string{"80", "81"}, Adds: []string{"./d:/d", "./a:/a"}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := applied(t, root, tc.target, tc.args...)
			if err != nil {
				t.Fatal(err)
			}
			w := tc.want
			for _, f := range []struct {
				name      string
				got, want any
			}{
				{"base", got.Base, w.Base}, {"user", got.User, w.User}, {"compression", got.Compression, w.Compression}, {"level", got.Level, w.Level},
				{"sbom", got.SBOM, w.SBOM}, {"platform", got.Platform, w.Platform}, {"ldflags", got.Ldflags, w.Ldflags}, {"gcflags", got.Gcflags, w.Gcflags},
				{"tags", got.Tags, w.Tags}, {"env", got.Env, w.Env}, {"labels", got.Labels, w.Labels}, {"ports", got.Ports, w.Ports}, {"add", got.Adds, w.Adds},
			} {
				if !reflect.DeepEqual(f.got, f.want) {
					t.Errorf("%s = %q, want %q", f.name, f.got, f.want)
				}
			}
		})
	}
}

// TestConfigLabelsAndEnvByKey: after Validate a later label KEY replaces an
// earlier one; env keeps the order in which a later KEY= wins in the image.
func TestConfigLabelsAndEnvByKey(t *testing.T) {
	root := module(t, precedenceYAML)
	for _, d := range []string{"d", "a"} {
		if err := os.Mkdir(filepath.Join(root, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	t.Chdir(root) // --add sources are relative to the working directory
	b, err := applied(t, root, filepath.Join(root, "cmd", "one"), "--label", "tier=flag", "--env", "A=3", "--base", "oci:x")
	if err != nil {
		t.Fatal(err)
	}
	o, err := b.Validate(".")
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(o.Config.Labels, map[string]string{"team": "leve", "tier": "flag"}) {
		t.Errorf("labels = %v, want team from the defaults and tier from the flag", o.Config.Labels)
	}
	if want := []string{"A=1", "B=1", "B=2", "A=3"}; !reflect.DeepEqual(o.Config.Env, want) {
		t.Errorf("env = %q, want %q: defaults, the app's, the flag's", o.Config.Env, want)
	}
	if len(o.Files.Adds) != 2 || o.Files.Adds[0].Src != "./d" || o.Files.Adds[1].Dest != "/a" {
		t.Errorf("adds = %+v", o.Files.Adds)
	}
}

func TestConfigAbsent(t *testing.T) {
	for name, dir := range map[string]string{"no module": t.TempDir(), "no leve.yaml": filepath.Join(module(t, ""), "cmd", "one")} {
		cfg, err := LoadConfig(dir)
		if cfg != nil || err != nil {
			t.Errorf("%s: LoadConfig = %+v, %v; want nil, nil", name, cfg, err)
		}
		b := Build{User: "x", Env: []string{"A=1"}}
		if got := cfg.Apply(b, pflag.NewFlagSet("x", pflag.ContinueOnError), dir); !reflect.DeepEqual(got, b) {
			t.Errorf("%s: Apply on no config changed %+v to %+v", name, b, got)
		}
	}
}

// TestConfigRefuses: unknown keys and values of the wrong kind are one
// line naming the file, each line of leve.yaml at fault and the keys.
func TestConfigRefuses(t *testing.T) {
	tests := []struct {
		name, yaml string
		want       []string
	}{
		{"unknown key in defaults", "defaults:\n  nope: 1\n", []string{`line 2: unknown key "nope"`}},
		{"unknown keys everywhere", "defaults:\n  envv: [A=1]\napps:\n  ./cmd/one: {bsae: alpine}\nextra: 1\n",
			[]string{`line 2: unknown key "envv"`, `line 4: unknown key "bsae"`, `line 5: unknown key "extra"`}},
		{"a string for a list", "defaults:\n  env: A=1\n", []string{"line 2: A=1 is a string, want a list"}},
		{"a list for a map", "defaults:\n  labels: [a]\n", []string{"line 2: a list, want a map of KEY: VALUE"}},
		{"a list for the defaults", "defaults: [1]\n", []string{"line 1: a list, want a map of settings"}},
		{"not YAML", "defaults:\n  env: [A\n", []string{"line 2: did not find expected"}},
		{"a bad sbom in the defaults", "defaults:\n  sbom: spdx3\n", []string{`line 2: sbom "spdx3": want spdx, cyclonedx or none`}},
		{"bad choices in apps", "defaults:\n  level: max\napps:\n  ./cmd/one:\n    compression: brotli\n  ./cmd/two: {level: 11, sbom: none}\n",
			[]string{`line 5: compression "brotli": want gzip or zstd`, `line 6: level "11": want fast, default or max`}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			root := module(t, tc.yaml)
			_, err := LoadConfig(filepath.Join(root, "cmd", "one"))
			if err == nil {
				t.Fatalf("LoadConfig accepted %q", tc.yaml)
			}
			msg := err.Error()
			if !strings.HasPrefix(msg, filepath.Join(root, ConfigFile)+": ") || strings.Contains(msg, "\n") || !strings.Contains(msg, "docs/config.md") || strings.Contains(msg, "options.") {
				t.Errorf("error is not one line naming the file and docs/config.md in leve.yaml's terms: %q", msg)
			}
			for _, w := range tc.want {
				if !strings.Contains(msg, w) {
					t.Errorf("error %q lacks %q", msg, w)
				}
			}
		})
	}
}

// TestConfigKeys: the keys the errors list are AppConfig's.
func TestConfigKeys(t *testing.T) {
	var keys []string
	ty := reflect.TypeOf(AppConfig{})
	for i := range ty.NumField() {
		keys = append(keys, ty.Field(i).Tag.Get("yaml"))
	}
	if !reflect.DeepEqual(keys, configKeys) {
		t.Errorf("configKeys = %q, AppConfig has %q", configKeys, keys)
	}
}
