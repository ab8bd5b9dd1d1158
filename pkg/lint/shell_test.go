package lint

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestSplitShell(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want [][]string
		env  map[string]string // of the last command
	}{
		{`CGO_ENABLED=0 go build -ldflags="-s -w" -o /out/app .`, [][]string{{"go", "build", "-ldflags=-s -w", "-o", "/out/app", "."}}, map[string]string{"CGO_ENABLED": "0"}},
		{"apk add x && chmod -R 755 /app; echo 'a;b' | tee f", [][]string{{"apk", "add", "x"}, {"chmod", "-R", "755", "/app"}, {"echo", "a;b"}, {"tee", "f"}}, map[string]string{}},
		{"export CGO_ENABLED=0 GOOS=linux\ngo build -o \"$(pwd)/x\" . # comment", [][]string{{"export", "CGO_ENABLED=0", "GOOS=linux"}, {"go", "build", "-o", "$(pwd)/x", "."}}, map[string]string{"CGO_ENABLED": "0", "GOOS": "linux"}},
		{`env -i GO111MODULE=auto go build a\ b`, [][]string{{"go", "build", "a b"}}, map[string]string{"GO111MODULE": "auto"}},
	} {
		cmds := splitShell(tc.in)
		var got [][]string
		for _, c := range cmds {
			got = append(got, c.args)
		}
		if diff := cmp.Diff(tc.want, got); diff != "" {
			t.Errorf("splitShell(%q) (-want +got):\n%s", tc.in, diff)
		}
		if len(cmds) > 0 && !cmp.Equal(tc.env, cmds[len(cmds)-1].env) {
			t.Errorf("splitShell(%q) env = %v, want %v", tc.in, cmds[len(cmds)-1].env, tc.env)
		}
	}
}

func TestImageRefs(t *testing.T) {
	for _, tc := range []struct {
		ref                       string
		pinned, distro, shellLess bool
	}{
		{"golang", false, true, false},
		{"golang:latest", false, true, false},
		{"golang:1.26", false, true, false},
		{"golang:1.26.8-bookworm", true, true, false},
		{"docker.io/library/alpine:3.20.3", true, true, false},
		{"alpine@sha256:abcd", true, true, false},
		{"debian:bookworm-20250113-slim", true, true, false},
		{"debian:bookworm-slim", false, true, false},
		{"scratch", false, false, true},
		{"gcr.io/distroless/static-debian12:nonroot", false, false, true},
		{"gcr.io/distroless/base:debug", false, false, false},
		{"registry.example.com:5000/team/app:2.0.1", true, false, false},
	} {
		r := parseRef(tc.ref)
		if r.pinned() != tc.pinned || r.distro() != tc.distro || r.shellLess() != tc.shellLess {
			t.Errorf("parseRef(%q): pinned %v distro %v shellLess %v, want %v %v %v", tc.ref, r.pinned(), r.distro(), r.shellLess(), tc.pinned, tc.distro, tc.shellLess)
		}
	}
	if m, ok := parseRef("golang:1.25.5-alpine").goMinor(); !ok || m != 25 {
		t.Errorf("goMinor(golang:1.25.5-alpine) = %d, %v", m, ok)
	}
}

func TestSecretName(t *testing.T) {
	for name, want := range map[string]bool{
		"GITHUB_TOKEN": true, "DB_PASSWORD": true, "AWS_SECRET_ACCESS_KEY": true, "API_KEY": true, "apiKey": true, "APIKEY": true,
		"GPG_KEY": false, "TOKEN_FILE": false, "PUBLIC_KEY_URL": false, "GO_VERSION": false, "PATH": false,
	} {
		if got := secretName(name); got != want {
			t.Errorf("secretName(%q) = %v, want %v", name, got, want)
		}
	}
}
