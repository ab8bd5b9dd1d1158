package cli

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/leve-build/leve/internal/cli/options"
	"github.com/leve-build/leve/pkg/dockerfile"
	"github.com/leve-build/leve/pkg/publish"
)

func TestExpectConfigCheck(t *testing.T) {
	img := v1.Config{User: "65532:65532", Env: []string{"PATH=/app"}, WorkingDir: "/app", Entrypoint: []string{"/app/hello"},
		ExposedPorts: map[string]struct{}{"8080/tcp": {}, "53/udp": {}}}
	want := `{"User":"65532:65532","Env":["PATH=/app"],"WorkingDir":"/app","Entrypoint":["/app/hello"],"ExposedPorts":["53/udp","8080/tcp"]}`
	file := filepath.Join(t.TempDir(), "expect.json")
	if err := os.WriteFile(file, []byte(want+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, arg := range []string{want, file} {
		s, err := rootfsSink(options.Build{Rootfs: "out", ExpectConfig: arg})
		if err != nil {
			t.Fatal(err)
		}
		if err := s.(publish.Rootfs).Check(img); err != nil {
			t.Errorf("--expect-config %s: %v", arg, err)
		}
	}
	s, err := rootfsSink(options.Build{Rootfs: "out", ExpectConfig: strings.Replace(want, "/app/hello", "/app/other", 1)})
	if err != nil {
		t.Fatal(err)
	}
	err = s.(publish.Rootfs).Check(img)
	if !errors.Is(err, dockerfile.ErrConfigMismatch) || !strings.Contains(err.Error(), `Entrypoint is ["/app/hello"], the Dockerfile says ["/app/other"]`) {
		t.Errorf("a differing entrypoint: %v", err)
	}
	// A Dockerfile: its final stage's lines are the expected config.
	df := filepath.Join(t.TempDir(), "Dockerfile")
	src := "FROM scratch\nCOPY --from=build /rootfs/ /\nUSER 65532:65532\nENV PATH=/app\nWORKDIR /app\nEXPOSE 8080 53/udp\nENTRYPOINT [\"/app/hello\"]\n"
	if err := os.WriteFile(df, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	if s, err = rootfsSink(options.Build{Rootfs: "out", ExpectConfig: df}); err != nil {
		t.Fatal(err)
	}
	if err := s.(publish.Rootfs).Check(img); err != nil {
		t.Errorf("--expect-config Dockerfile: %v", err)
	}
	img.User = "0:0"
	if err := s.(publish.Rootfs).Check(img); err == nil || !strings.Contains(err.Error(), `User is "0:0", the Dockerfile says "65532:65532"`) {
		t.Errorf("--expect-config Dockerfile, another user: %v", err)
	}
	if err := checkRootfs(options.Build{ExpectConfig: want}); err == nil || !strings.Contains(err.Error(), "add --rootfs DIR") {
		t.Errorf("--expect-config without --rootfs: %v", err)
	}
	if err := checkRootfs(options.Build{Rootfs: "out", ExpectConfig: "no-such-file"}); err == nil {
		t.Error("a missing --expect-config file was accepted")
	}
	if err := checkRootfs(options.Build{Rootfs: "out", ExpectConfig: `{"User":`}); err == nil {
		t.Error("broken --expect-config JSON was accepted")
	}
}

func TestContextTarget(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	if err := os.Mkdir("cmd", 0o755); err != nil {
		t.Fatal(err)
	}
	for in, want := range map[string]string{".": ".", "./cmd": "./cmd", "cmd": "./cmd", "cmd/": "./cmd", "example.com/x/cmd/api": "example.com/x/cmd/api"} {
		if got := contextTarget(in); got != want {
			t.Errorf("contextTarget(%q) = %q, want %q", in, got, want)
		}
	}
	if ref := defaultLeveImage(); !strings.HasPrefix(ref, dockerfile.DefaultLeveImage+":") {
		t.Errorf("defaultLeveImage() = %q", ref)
	}
}
