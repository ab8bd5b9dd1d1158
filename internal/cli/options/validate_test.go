package options

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/spf13/pflag"

	"github.com/leve-build/leve/pkg/assemble"
	"github.com/leve-build/leve/pkg/deflate"
	"github.com/leve-build/leve/pkg/pipeline"
	"github.com/leve-build/leve/pkg/platform"
)

// TestValidateRefuses: every bad value of every flag group is one line
// that starts with the flag and the value and says what is wanted.
func TestValidateRefuses(t *testing.T) {
	dir := t.TempDir()
	notPEM := filepath.Join(dir, "ca.txt")
	if err := os.WriteFile(notPEM, []byte("not a certificate\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		group string
		args  []string
		env   string // SOURCE_DATE_EPOCH
		want  string // the start of the error
	}{
		{"registry", []string{"--registry-ca", filepath.Join(dir, "missing.pem")}, "", "--registry-ca: "},
		{"registry", []string{"--registry-ca", notPEM}, "", "--registry-ca: "},
		{"compile", []string{"--platform", "linux/nope"}, "", "--platform: "},
		{"compile", []string{"--platform", "windows/amd64"}, "", "--platform: "},
		{"compile", []string{"--platform", ""}, "", "--platform: "},
		{"name", []string{"-t", "Bad:Name"}, "", "-t: "},
		{"name", []string{"-t", "web:bad tag"}, "", "-t: "},
		{"image config", []string{"--user", "a:b:c"}, "", `--user "a:b:c": want USER or USER:GROUP`},
		{"image config", []string{"--env", "NOEQUALS"}, "", `--env "NOEQUALS": want KEY=VALUE`},
		{"image config", []string{"--env", "=v"}, "", `--env "=v": want KEY=VALUE`},
		{"image config", []string{"--label", "team"}, "", `--label "team": want KEY=VALUE`},
		{"image config", []string{"--label", "=x"}, "", `--label "=x": want KEY=VALUE`},
		{"image config", []string{"--port", "0"}, "", `--port "0": want PORT[/tcp|udp|sctp] with PORT from 1 to 65535`},
		{"image config", []string{"--port", "65536"}, "", `--port "65536": want PORT`},
		{"image config", []string{"--port", "80/icmp"}, "", `--port "80/icmp": want PORT`},
		{"image config", []string{"--port", "http"}, "", `--port "http": want PORT`},
		{"run-time files", []string{"--add", "static"}, "", `--add "static": want SRC:DEST with an absolute DEST`},
		{"run-time files", []string{"--add", dir + ":app"}, "", `--add "` + dir + `:app": want SRC:DEST with an absolute DEST`},
		{"run-time files", []string{"--add", ":/app"}, "", `--add ":/app": want SRC:DEST`},
		{"run-time files", []string{"--add", filepath.Join(dir, "nope") + ":/app"}, "", `--add "` + filepath.Join(dir, "nope") + `:/app": ` + filepath.Join(dir, "nope") + " does not exist"},
		{"run-time files", []string{"--tzdata", "yes"}, "", `--tzdata "yes": want auto or none`},
		{"run-time files", []string{"--nsswitch", "host"}, "", `--nsswitch "host": want auto or none`},
		{"run-time files", []string{"--passwd", "copy"}, "", `--passwd "copy": want auto or none`},
		{"run-time files", []string{"--ca-certs", "nosuch"}, "", `--ca-certs "nosuch": want auto, none, bundle, host or an existing PEM file`},
		{"run-time files", []string{"--libs", "static"}, "", `--libs "static": want copy (or leave it out)`},
		{"layers", []string{"--compression", "brotli"}, "", `--compression/--level: compression "brotli": want gzip or zstd`},
		{"layers", []string{"--level", "11"}, "", `--compression/--level: compression level "11": want fast, default or max`},
		{"sbom", []string{"--sbom", "spdx3"}, "", `--sbom "spdx3": want spdx, cyclonedx or none`},
		{"sbom", []string{"--sbom", ""}, "", `--sbom "": want spdx, cyclonedx or none`},
		{"created", nil, "yesterday", `SOURCE_DATE_EPOCH="yesterday": want a non-negative number of seconds since 1970`},
		{"created", nil, "-1", `SOURCE_DATE_EPOCH="-1": want a non-negative`},
	}
	for _, tc := range tests {
		t.Run(tc.group+" "+strings.Join(tc.args, " ")+tc.env, func(t *testing.T) {
			t.Setenv("SOURCE_DATE_EPOCH", tc.env)
			_, err := flags(t, tc.args...).Validate(".")
			if err == nil || !strings.HasPrefix(err.Error(), tc.want) || strings.Contains(err.Error(), "\n") {
				t.Errorf("%q: %v\nwant one line starting %q", tc.args, err, tc.want)
			}
		})
	}
}

// TestValidateAccepts: good values reach the pipeline options as given,
// and the flags' defaults give leve's defaults.
func TestValidateAccepts(t *testing.T) {
	static := t.TempDir()
	tests := []struct {
		args  []string
		env   string
		check func(o pipeline.Options) bool
	}{
		{nil, "", func(o pipeline.Options) bool {
			return reflect.DeepEqual(o.Platforms, []platform.Platform{platform.Default}) && !o.PlatformsFromBase && o.Base == "scratch" &&
				o.Name == "" && o.Tag == "" && o.Config.User == "" && o.Files.CACerts == pipeline.CASource{} && o.Files.TZData == pipeline.FileAuto && o.Files.NSSwitch == pipeline.FileAuto && o.Files.Passwd == pipeline.FileAuto &&
				o.Layers.Compression == assemble.GzipCompression && o.Layers.Level == deflate.Default && o.SBOM == pipeline.SBOMSPDX && o.Files.Libs == pipeline.LibsRefuse && o.Config.Created == nil && o.Target == "."
		}},
		{[]string{"--platform", "linux/amd64,linux/arm64,linux/arm/v7"}, "", func(o pipeline.Options) bool {
			return len(o.Platforms) == 3 && o.Platforms[2] == platform.Platform{OS: "linux", Arch: "arm", Variant: "v7"}
		}},
		{[]string{"--platform", "all"}, "", func(o pipeline.Options) bool { return o.PlatformsFromBase }},
		{[]string{"-t", "web:1.0"}, "", func(o pipeline.Options) bool { return o.Name == "web" && o.Tag == "1.0" }},
		{[]string{"--env", "A=", "--env", "B=x=y"}, "", func(o pipeline.Options) bool { return reflect.DeepEqual(o.Config.Env, []string{"A=", "B=x=y"}) }},
		{[]string{"--label", "a=b=c", "--label", "a=d", "--label", "e="}, "", func(o pipeline.Options) bool {
			return reflect.DeepEqual(o.Config.Labels, map[string]string{"a": "d", "e": ""})
		}},
		{[]string{"--port", "1", "--port", "65535/udp", "--port", "9/sctp"}, "", func(o pipeline.Options) bool { return len(o.Config.Ports) == 3 }},
		{[]string{"--add", static + ":/srv/static"}, "", func(o pipeline.Options) bool {
			return reflect.DeepEqual(o.Files.Adds, []pipeline.Add{{Src: static, Dest: "/srv/static"}})
		}},
		{[]string{"--tzdata", "none", "--nsswitch", "none", "--passwd", "none", "--ca-certs", "host", "--libs", "copy"}, "", func(o pipeline.Options) bool {
			return o.Files.TZData == pipeline.FileNone && o.Files.NSSwitch == pipeline.FileNone && o.Files.Passwd == pipeline.FileNone && o.Files.CACerts == pipeline.CASource{Kind: pipeline.CAHost} && o.Files.Libs == pipeline.LibsCopy
		}},
		{[]string{"--compression", "zstd", "--level", "max", "--sbom", "none"}, "", func(o pipeline.Options) bool {
			return o.Layers.Compression == assemble.ZstdCompression && o.Layers.Level == deflate.Max && o.SBOM == pipeline.SBOMNone
		}},
		{[]string{"--sbom", "cyclonedx", "--no-strip", "--pack", "--cgo", "--base", "oci:dir"}, "", func(o pipeline.Options) bool {
			return o.SBOM == pipeline.SBOMCycloneDX && o.NoStrip && o.Pack && o.Compile.Cgo && o.Base == "oci:dir"
		}},
		{nil, "1700000000", func(o pipeline.Options) bool {
			return o.Config.Created != nil && o.Config.Created.Unix() == 1700000000 && o.Config.Created.Location().String() == "UTC"
		}},
		{nil, "0", func(o pipeline.Options) bool { return o.Config.Created != nil && o.Config.Created.Unix() == 0 }},
		{[]string{"--ca-certs", "none", "--tzdata", "auto"}, "", func(o pipeline.Options) bool {
			return o.Files.CACerts == pipeline.CASource{Kind: pipeline.CANone} && o.Files.TZData == pipeline.FileAuto
		}},
		{[]string{"--ca-certs", "bundle"}, "", func(o pipeline.Options) bool { return o.Files.CACerts == pipeline.CASource{Kind: pipeline.CABundle} }},
	}
	for _, tc := range tests {
		t.Run(strings.Join(tc.args, " ")+tc.env, func(t *testing.T) {
			t.Setenv("SOURCE_DATE_EPOCH", tc.env)
			o, err := flags(t, tc.args...).Validate(".")
			if err != nil || !tc.check(o) {
				t.Errorf("%q: %+v, %v", tc.args, o, err)
			}
		})
	}
}

// analyzeFlags returns an Analyze with its defaults, then args parsed.
func analyzeFlags(t *testing.T, args ...string) *Analyze {
	t.Helper()
	var a Analyze
	fs := pflag.NewFlagSet("analyze", pflag.ContinueOnError)
	a.AddFlags(fs)
	if err := fs.Parse(args); err != nil {
		t.Fatal(err)
	}
	return &a
}

func TestValidateAnalyze(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string // the start of the error; "" accepts
	}{
		{nil, ""},
		{[]string{"--platform", "linux/arm64", "--top", "0", "--max-size", "2MB"}, ""},
		{[]string{"--diff", "--max-growth", "5%"}, ""},
		{[]string{"--diff", "--max-growth", "50KB", "--max-size", "1.5MiB"}, ""},
		{[]string{"--platform", "linux/nope"}, "--platform: "},
		{[]string{"--top", "-1"}, "--top -1: want 0 (all) or more"},
		{[]string{"--diff", "--html", "x.html"}, "--html shows one executable"},
		{[]string{"--max-growth", "5%"}, "--max-growth compares two executables"},
		{[]string{"--max-size", "big"}, "--max-size: "},
		{[]string{"--max-size", "0"}, `--max-size "0": want a size above 0`},
		{[]string{"--diff", "--max-growth", "lots"}, "--max-growth: "},
	} {
		p, g, err := analyzeFlags(t, tc.args...).Validate()
		switch {
		case tc.want == "" && err != nil:
			t.Errorf("%q: %v; want it accepted", tc.args, err)
		case tc.want == "" && (p.OS != "linux" || (len(tc.args) > 1 && tc.args[0] == "--platform" && p.Arch != "arm64")):
			t.Errorf("%q: platform %s", tc.args, p)
		case tc.want != "" && (err == nil || !strings.HasPrefix(err.Error(), tc.want) || strings.Contains(err.Error(), "\n")):
			t.Errorf("%q: %v\nwant one line starting %q", tc.args, err, tc.want)
		case tc.want == "" && strings.Contains(strings.Join(tc.args, " "), "--max-size 2MB") && g.MaxSize != 2_000_000:
			t.Errorf("%q: MaxSize %d, want 2000000", tc.args, g.MaxSize)
		}
	}
	for _, tc := range []struct {
		diff bool
		n    int
		ok   bool
	}{{false, 0, true}, {false, 1, true}, {false, 2, false}, {true, 2, true}, {true, 1, false}, {true, 3, false}} {
		a := Analyze{Diff: tc.diff}
		if err := a.Args(tc.n); (err == nil) != tc.ok {
			t.Errorf("Args(%d) with --diff=%v: %v", tc.n, tc.diff, err)
		}
	}
}

func TestAnalyzeGatesCheck(t *testing.T) {
	_, g, err := analyzeFlags(t, "--diff", "--max-size", "1000B", "--max-growth", "10%").Validate()
	if err != nil {
		t.Fatal(err)
	}
	if passed, err := g.Check("old", 900, "new", 990); err != nil || len(passed) != 2 {
		t.Errorf("within both gates: %q, %v", passed, err)
	}
	_, err = g.Check("old", 800, "new", 1001)
	if err == nil || !strings.HasPrefix(err.Error(), "size gate: new is ") || !strings.Contains(err.Error(), "over --max-size 1000B (1000 B)") || !strings.Contains(err.Error(), "over --max-growth 10%") {
		t.Errorf("over both gates: %v", err)
	}
	if passed, err := g.Check("", 0, "new", 10); err != nil || len(passed) != 1 {
		t.Errorf("no old side: %q, %v; want --max-size only", passed, err)
	}
}
