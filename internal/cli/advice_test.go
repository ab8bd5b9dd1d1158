package cli

import (
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/leve-build/leve/internal/testutil"
	"github.com/leve-build/leve/pkg/assemble"
	"github.com/leve-build/leve/pkg/engine"
	"github.com/leve-build/leve/pkg/exe"
	"github.com/leve-build/leve/pkg/pipeline"
	"github.com/leve-build/leve/pkg/platform"
	"github.com/leve-build/leve/pkg/publish"
	"github.com/leve-build/leve/pkg/regopts"
	"github.com/leve-build/leve/pkg/store"
)

// TestFlagAdvice: the typed errors of the libraries, however wrapped, are
// worded on the command line as leve always worded them, naming the flag.
func TestFlagAdvice(t *testing.T) {
	errDenied := errors.New("permission denied")
	for _, tc := range []struct {
		err  error
		want string
	}{
		{fmt.Errorf("compiling: %w", &pipeline.AddError{Add: pipeline.Add{Src: "a.txt", Dest: "/app/api"}, Err: errDenied}),
			"compiling: --add a.txt:/app/api: permission denied"},
		{fmt.Errorf("linux/arm64: %w", &pipeline.LinkingError{Name: "app", Linking: exe.Linking{Interpreter: "/lib/ld.so", Needed: []string{"libc.so.6"}, Cgo: true}}),
			"linux/arm64: reading binary app: it is dynamically linked (interpreter /lib/ld.so, libraries libc.so.6) and cannot run on scratch; build without --cgo (CGO_ENABLED=0), add --libs=copy, or choose a --base that has those libraries"},
		{&pipeline.LinkingError{Name: "app", Linking: exe.Linking{Interpreter: "/lib/ld.so", PIE: true}},
			"reading binary app: it was built as a position-independent executable (-buildmode=pie, e.g. from GOFLAGS) and needs the dynamic loader /lib/ld.so, which scratch lacks; build it without -buildmode=pie (unset it in GOFLAGS, or GOFLAGS=), add --libs=copy, or choose a --base that has the loader"},
		{&pipeline.LibsArchError{Host: "amd64", Platform: platform.Platform{OS: "linux", Arch: "arm64"}},
			"--libs=copy copies the build host's amd64 libraries, and the image is for linux/arm64; choose a --base with arm64 libraries"},
		{fmt.Errorf("analyzing %q: %w", ".", &pipeline.CgoError{Target: "."}),
			`analyzing ".": resolving ".": package uses cgo (import "C"), so its binary needs a C library that a scratch image lacks; remove the cgo code, or build with --cgo on a base that has its C libraries`},
		{fmt.Errorf("copying libraries: %w", &assemble.MissingLibError{Name: "libz.so.1", Dirs: []string{"/lib", "/usr/lib"}}),
			"copying libraries: library libz.so.1 is not on the build host (looked in /lib, /usr/lib); install it or choose a --base that has it"},
		{errors.Join(errors.New("one"), fmt.Errorf("base alpine: %w", &regopts.Problem{Kind: regopts.UnknownAuthority, Cause: "x509: unknown authority"})),
			"one\nbase alpine: the registry's TLS certificate is signed by an unknown authority (x509: unknown authority); trust its CA with --registry-ca FILE (or SSL_CERT_FILE), or skip verification with --insecure"},
		{fmt.Errorf("slim app.tar: %w", &pipeline.KeepError{Path: "/etc/app.yaml"}),
			"slim app.tar: --keep /etc/app.yaml: the image has no such file; name a path of the image"},
		{fmt.Errorf("slim app.tar: %w", &pipeline.LibraryError{Program: "/app", Err: errors.New("libz.so.1 is missing")}),
			"slim app.tar: cannot slim: /app is dynamically linked and libz.so.1 is missing; slim keeps only what the image holds: if the program finds it elsewhere (RUNPATH), name it with --keep PATH"},
		{&engine.ChoiceError{Setting: "network", Value: "bridge", Want: []string{"none", "host"}}, `--network "bridge": want none or host`},
		{&engine.Error{Code: engine.ExitEngine, Err: &engine.NeedsRootError{Engine: "runc"}},
			"runc needs root here (leve does not set up rootless containers): run leve as root, or use --engine docker or podman"},
		{fmt.Errorf("build: %w", &publish.RootfsError{Dir: "out/root", Err: errors.New("disk full")}), "build: writing --rootfs out/root: disk full"},
		{&store.PatternError{Pattern: "[", Err: errors.New("syntax error in pattern")}, "--filter reference=[: syntax error in pattern; use a pattern such as app-* or app:1.*"},
		{&regopts.Problem{Kind: regopts.PlainHTTP}, "the registry speaks plain HTTP, not TLS; use --insecure for a plain-HTTP registry"},
		{&regopts.Problem{Kind: regopts.Unreachable, Cause: "dial tcp: refused", Insecure: true},
			"cannot reach the registry (dial tcp: refused); check the address and that the registry is running"},
	} {
		got := flagAdvice(tc.err)
		if got.Error() != tc.want {
			t.Errorf("flagAdvice(%q) =\n%q\nwant\n%q", tc.err, got, tc.want)
		}
		if strings.Contains(tc.err.Error(), "--") {
			t.Errorf("the library's own %T names a flag: %q", tc.err, tc.err)
		}
		if !errors.Is(got, tc.err) {
			t.Errorf("flagAdvice(%q) does not wrap the error", tc.err)
		}
	}
	if plain := errors.New("plain"); flagAdvice(plain) != plain {
		t.Error("flagAdvice changed an error without typed parts")
	}
}

// TestPushUnreachableAdvice pushes to a closed loopback port: the line
// says the registry cannot be reached and offers --insecure, which was not
// given, and does not offer it when it was.
func TestPushUnreachableAdvice(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	dir := t.TempDir()
	testutil.WriteFiles(t, dir, map[string]string{"main.go": "package main\n\nfunc main() {}\n"})
	if err := os.WriteFile(filepath.Join(dir, "go.mod"), []byte("module example.com/hello\n\ngo 1.22\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, insecure := range []bool{false, true} {
		args := []string{"build", "-q", "--sbom", "none", "--push", addr + "/x"}
		if insecure {
			args = append(args, "--insecure")
		}
		code, _, stderr := run(t, dir, append(args, ".")...)
		if code != ExitError || !strings.Contains(stderr, "cannot reach the registry") || strings.Contains(stderr, "--insecure for a plain-HTTP registry") == insecure {
			t.Errorf("leve %v = exit %d, stderr %q; want exit 1, cannot reach, --insecure offered %v", args, code, stderr, !insecure)
		}
	}
}

// TestWarningAdvice: the read stage's warning for an architecture pkg/exe
// does not analyse is worded with the flags that add the files; other
// warnings, and the warning of an image whose read was not basic, stay.
func TestWarningAdvice(t *testing.T) {
	basic := func(arch string, isBasic bool, warnings ...string) pipeline.ImageReport {
		return pipeline.ImageReport{Platform: "linux/" + arch, Warnings: warnings, Stages: []pipeline.StageReport{
			{Name: "compile"}, {Name: "read", Result: &pipeline.ReadResult{Basic: isBasic, Arch: arch}},
		}}
	}
	for _, tc := range []struct {
		name string
		img  pipeline.ImageReport
		want []string
	}{
		{"basic", basic("riscv64", true, pipeline.BasicArchWarning("riscv64")),
			[]string{"no size analysis or run-time needs for riscv64 binaries: pkg/exe reads amd64, arm64, 386 and arm; if the program needs them, add CA certificates with --ca-certs bundle (or host, or a PEM file), and time zone data or other files with --add SRC:DEST"}},
		{"basic among others", basic("s390x", true, "cache warning", pipeline.BasicArchWarning("s390x")),
			[]string{"cache warning", basicArchAdvice("s390x")}},
		{"not basic", basic("amd64", false, pipeline.BasicArchWarning("amd64")), []string{pipeline.BasicArchWarning("amd64")}},
		{"no read stage", pipeline.ImageReport{Warnings: []string{pipeline.BasicArchWarning("ppc64le")}}, []string{pipeline.BasicArchWarning("ppc64le")}},
		{"no warning", basic("mips64", true), nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rep := &pipeline.Report{Images: []pipeline.ImageReport{tc.img}}
			warningAdvice(rep)
			got := rep.Images[0].Warnings
			if strings.Join(got, "\n") != strings.Join(tc.want, "\n") {
				t.Errorf("warnings = %q\nwant %q", got, tc.want)
			}
			for _, w := range got {
				if strings.Contains(tc.name, "basic") && tc.name != "not basic" && strings.HasPrefix(w, "no size") && (!strings.Contains(w, "--ca-certs") || !strings.Contains(w, "--add")) {
					t.Errorf("advice %q names no flag", w)
				}
			}
		})
	}
}
