package dockerfile_test

import (
	"context"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/leve-build/leve/pkg/dockerfile"
	"github.com/leve-build/leve/pkg/lint"
)

var update = flag.Bool("update", false, "rewrite the testdata/*.Dockerfile goldens")

func helloSpec() dockerfile.Spec {
	return dockerfile.Spec{
		Target: ".", Name: "hello", GoVersion: "1.26.8",
		LeveImage: "ghcr.io/leve-build/leve:1.0.0",
		Config: dockerfile.Config{
			User:       "65532:65532",
			Env:        []string{"PATH=/usr/local/bin:/usr/bin:/bin:/app"},
			WorkingDir: "/app",
			Entrypoint: []string{"/app/hello"},
		},
		PullSize: 1000000, GzipSize: 1100000,
	}
}

func apiSpec() dockerfile.Spec {
	return dockerfile.Spec{
		Target: "./cmd/api", Name: "api", GoVersion: "1.26.8",
		LeveImage: "ghcr.io/leve-build/leve:1.0.0", Pack: true,
		Config: dockerfile.Config{
			User:         "65532:65532",
			Env:          []string{"PATH=/usr/local/bin:/usr/bin:/bin:/app", "ZONEINFO=/usr/local/go/lib/time/zoneinfo.zip", `GREETING=say "hi" for $5 \o/`},
			WorkingDir:   "/app",
			Entrypoint:   []string{"/app/api", "--listen", ":8080"},
			Labels:       map[string]string{"org.opencontainers.image.source": "https://example.com/api", "b": "it's"},
			ExposedPorts: []string{"8080/tcp"},
		},
		RuntimeFiles: []string{dockerfile.CABundle, dockerfile.Zoneinfo, dockerfile.NSSwitch},
	}
}

// TestEmitGolden compares both forms with testdata/*.Dockerfile (rewrite
// them with -update), and checks each against its promises: it parses,
// every instruction has a comment line above it, leve lint reports no
// warning or error, and the final stage writes the config.
func TestEmitGolden(t *testing.T) {
	for _, tc := range []struct {
		name  string
		spec  dockerfile.Spec
		plain bool
	}{
		{"hello", helloSpec(), false},
		{"hello-plain", helloSpec(), true},
		{"api", apiSpec(), false},
		{"api-plain", apiSpec(), true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			emit := dockerfile.Emit
			if tc.plain {
				emit = dockerfile.EmitPlain
			}
			got, err := emit(tc.spec)
			if err != nil {
				t.Fatal(err)
			}
			golden := filepath.Join("testdata", tc.name+".Dockerfile")
			if *update {
				if err := os.WriteFile(golden, got, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test -update)", err)
			}
			if string(got) != string(want) {
				t.Errorf("emitted Dockerfile differs from %s (go test -update rewrites it):\n%s", golden, got)
			}
			checkEmitted(t, got, tc.spec, tc.plain)
		})
	}
}

func checkEmitted(t *testing.T, src []byte, s dockerfile.Spec, plain bool) {
	t.Helper()
	f, err := dockerfile.Parse(src)
	if err != nil {
		t.Fatalf("emitted Dockerfile does not parse: %v", err)
	}
	if len(f.Warnings) > 0 {
		t.Errorf("parser warnings: %v", f.Warnings)
	}
	for _, st := range f.Stages {
		for _, in := range append([]dockerfile.Instruction{st.From}, st.Instructions...) {
			if len(in.Comments) == 0 || in.Line < 2 || !strings.HasPrefix(f.Lines[in.Line-2], "# ") {
				t.Errorf("line %d %s: no comment line right above it", in.Line, in.Command)
			}
			if len(in.Heredocs) > 0 {
				t.Errorf("line %d: a heredoc", in.Line)
			}
			if !plain {
				for _, fl := range in.Flags {
					if strings.HasPrefix(fl, "--mount") || strings.Contains(fl, "BUILDPLATFORM") {
						t.Errorf("line %d: %s in the default form, which the legacy builder cannot build", in.Line, fl)
					}
				}
				if strings.Contains(in.Original, "$BUILDPLATFORM") {
					t.Errorf("line %d: $BUILDPLATFORM in the default form", in.Line)
				}
			}
		}
	}
	for _, l := range f.Lines {
		if i := strings.Index(l, " #"); i >= 0 && !strings.HasPrefix(l, "#") && !strings.Contains(l, "'") && !strings.Contains(l, `"`) {
			t.Errorf("a trailing comment, which becomes part of the instruction: %q", l)
		}
	}
	res, err := lint.Lint(context.Background(), src, lint.Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, fd := range res.Findings {
		if fd.Severity >= lint.Warning {
			t.Errorf("leve lint: line %d %s %s: %s", fd.Line, fd.Severity, fd.Rule, fd.Message)
		}
	}
	if got := finalConfig(t, f); got.Check(s.Config) != nil {
		t.Errorf("the final stage's lines give %+v; want %+v: %v", got, s.Config, got.Check(s.Config))
	}
	if !plain {
		// The config the build stage checks is the one written below it.
		var run *dockerfile.Instruction
		for i, in := range f.Stages[1].Instructions {
			if in.Command == "RUN" {
				run = &f.Stages[1].Instructions[i]
			}
		}
		if run == nil || !run.JSON {
			t.Fatal("no exec-form RUN in the build stage")
		}
		i := slices.Index(run.Args, "--expect-config")
		if i < 0 || i+1 >= len(run.Args) {
			t.Fatalf("RUN %v: no --expect-config", run.Args)
		}
		want, err := dockerfile.ParseConfig(run.Args[i+1])
		if err != nil {
			t.Fatal(err)
		}
		if err := want.Check(finalConfig(t, f)); err != nil {
			t.Errorf("--expect-config and the final stage's lines differ: %v", err)
		}
	}
}

func finalConfig(t *testing.T, f *dockerfile.File) dockerfile.Config {
	t.Helper()
	c, err := f.FinalConfig()
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestFinalConfig(t *testing.T) {
	f, err := dockerfile.Parse([]byte(`FROM golang:1.26.8 AS build
FROM scratch
ENV BASE=/srv PATH=/bin
ENV DATA=$BASE/data PATH=/app
WORKDIR $BASE
WORKDIR app
USER 1000
LABEL "a b"="c \$d"
EXPOSE 80 53/udp
ENTRYPOINT ["/app/x", "$BASE"]
`))
	if err != nil {
		t.Fatal(err)
	}
	got := finalConfig(t, f)
	want := dockerfile.Config{User: "1000", Env: []string{"BASE=/srv", "DATA=/srv/data", "PATH=/app"}, WorkingDir: "/srv/app",
		Entrypoint: []string{"/app/x", "$BASE"}, Labels: map[string]string{"a b": "c $d"}, ExposedPorts: []string{"53/udp", "80/tcp"}}
	if err := want.Check(got); err != nil {
		t.Error(err)
	}
	for _, src := range []string{"FROM alpine:3.24\nUSER 1\n", "FROM scratch\nENTRYPOINT /app/x\n", "FROM scratch\nUSER $NOPE\n"} {
		f, err := dockerfile.Parse([]byte(src))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.FinalConfig(); err == nil {
			t.Errorf("FinalConfig of %q succeeded", src)
		}
	}
}

func TestEmitRefusesWhatItCannotWrite(t *testing.T) {
	for name, mod := range map[string]func(*dockerfile.Spec){
		"no name":          func(s *dockerfile.Spec) { s.Name = "" },
		"no go version":    func(s *dockerfile.Spec) { s.GoVersion = "" },
		"user with space":  func(s *dockerfile.Spec) { s.Config.User = "a b" },
		"env with newline": func(s *dockerfile.Spec) { s.Config.Env = []string{"A=1\n2"} },
		"no entrypoint":    func(s *dockerfile.Spec) { s.Config.Entrypoint = nil },
	} {
		s := helloSpec()
		mod(&s)
		if _, err := dockerfile.Emit(s); err == nil {
			t.Errorf("%s: Emit succeeded", name)
		}
	}
	s := helloSpec()
	s.RuntimeFiles = []string{"/usr/lib/libc.so.6"}
	if _, err := dockerfile.EmitPlain(s); err == nil || !strings.Contains(err.Error(), "/usr/lib/libc.so.6") {
		t.Errorf("EmitPlain with a shared library: %v, want an error naming it", err)
	}
}

func TestConfigCheck(t *testing.T) {
	c := helloSpec().Config
	if err := c.Check(c); err != nil {
		t.Fatal(err)
	}
	other := c
	other.User = "0:0"
	other.Entrypoint = []string{"/app/other"}
	err := c.Check(other)
	if !errors.Is(err, dockerfile.ErrConfigMismatch) || !strings.Contains(err.Error(), `User is "0:0", the Dockerfile says "65532:65532"`) || !strings.Contains(err.Error(), "Entrypoint") {
		t.Errorf("Check: %v", err)
	}
	if _, err := dockerfile.ParseConfig(`{"User":1}`); err == nil {
		t.Error("ParseConfig accepted a number for User")
	}
	if _, err := dockerfile.ParseConfig(`{"Usr":"x"}`); err == nil {
		t.Error("ParseConfig accepted an unknown field")
	}
}
