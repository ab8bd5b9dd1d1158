package e2e

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestConfigFlags builds examples/hello with every image-config flag and
// --add, and checks the config skopeo reads and the files umoci unpacks.
func TestConfigFlags(t *testing.T) {
	skopeo := needTool(t, "skopeo")
	assets := filepath.Join(t.TempDir(), "assets")
	writeFiles(t, assets, map[string]string{"index.html": "<p>Oi</p>\n", "css/site.css": "p{}\n"})
	if err := os.Chmod(filepath.Join(assets, "index.html"), 0o600); err != nil {
		t.Fatal(err)
	}
	conf := filepath.Join(t.TempDir(), "hello.conf")
	writeFiles(t, filepath.Dir(conf), map[string]string{"hello.conf": "lang=pt\n"})

	out := filepath.Join(t.TempDir(), "layout")
	r := runLeve(t, "", nil, "build", "-o", out,
		"--user", "root", "--workdir", "/srv", "--env", "GREETING=oi", "--label", "org.example.team=leve",
		"--port", "8080", "--port", "53/udp", "--entrypoint", "/app/hello", "--entrypoint", "--verbose",
		"--add", assets+":/srv/www", "--add", conf+":/etc/hello.conf",
		filepath.Join(repoRoot, "examples", "hello"))
	if r.code != 0 {
		t.Fatalf("leve build with config flags: %s", r)
	}
	parseRef(t, r)

	r = mustRun(t, "", "", nil, skopeo, "inspect", "--config", "oci:"+out+":latest")
	var c struct {
		Config struct {
			User         string
			WorkingDir   string
			Entrypoint   []string
			Env          []string
			Labels       map[string]string
			ExposedPorts map[string]struct{}
		} `json:"config"`
	}
	if err := readJSONString(r.stdout, &c); err != nil {
		t.Fatal(err)
	}
	env := c.Config.Env
	c.Config.Env = nil
	want := c.Config
	want.User, want.WorkingDir, want.Entrypoint = "root", "/srv", []string{"/app/hello", "--verbose"}
	want.Labels = map[string]string{"org.example.team": "leve"}
	want.ExposedPorts = map[string]struct{}{"8080/tcp": {}, "53/udp": {}}
	if diff := cmp.Diff(want, c.Config, cmp.FilterPath(func(p cmp.Path) bool {
		// Labels leve adds itself are not this test's concern.
		return p.Last().String() == `["org.opencontainers.image.title"]`
	}, cmp.Ignore())); diff != "" {
		t.Errorf("image config (-want +got):\n%s", diff)
	}
	if !contains(env, "GREETING=oi") || !hasPrefix(env, "PATH=") {
		t.Errorf("image config Env = %q, want GREETING=oi and leve's PATH", env)
	}

	rootfs := filepath.Join(unpack(t, out, "latest"), "rootfs")
	checkEntry(t, rootfs, "srv/www", fs.ModeDir|0o755, 0)
	checkEntry(t, rootfs, "srv/www/index.html", 0o644, 0)
	checkEntry(t, rootfs, "srv/www/css/site.css", 0o644, 0)
	checkEntry(t, rootfs, "etc/hello.conf", 0o644, 0)
	if data, err := os.ReadFile(filepath.Join(rootfs, "srv/www/index.html")); err != nil || string(data) != "<p>Oi</p>\n" {
		t.Errorf("/srv/www/index.html = %q, %v; want the added file", data, err)
	}
	checkRootfs(t, rootfs, "hello")
}

// contains reports whether list holds s.
func contains(list []string, s string) bool {
	for _, e := range list {
		if e == s {
			return true
		}
	}
	return false
}

// hasPrefix reports whether an element of list starts with prefix.
func hasPrefix(list []string, prefix string) bool {
	for _, e := range list {
		if strings.HasPrefix(e, prefix) {
			return true
		}
	}
	return false
}
