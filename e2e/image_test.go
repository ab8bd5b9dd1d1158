package e2e

import (
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// ociManifest is the media type of an OCI image manifest.
const ociManifest = "application/vnd.oci.image.manifest.v1+json"

// TestBuildHello checks the layout built from examples/hello with skopeo,
// oci-image-tool and umoci.
func TestBuildHello(t *testing.T) {
	dir, ref := helloLayout(t)
	if ref.name != "hello" || ref.tag != "latest" {
		t.Errorf("leve build examples/hello printed %s:%s, want hello:latest", ref.name, ref.tag)
	}

	t.Run("index", func(t *testing.T) {
		d := findTag(t, dir, "latest")
		want := descriptor{
			MediaType:   ociManifest,
			Digest:      ref.digest,
			Size:        d.Size,
			Annotations: map[string]string{annotationRefName: "latest", annotationImageName: "hello:latest"},
		}
		if diff := cmp.Diff(want, d); diff != "" {
			t.Errorf("index.json entry for tag latest (-want +got):\n%s", diff)
		}
	})

	t.Run("skopeo inspect", func(t *testing.T) {
		skopeo := needTool(t, "skopeo")
		r := mustRun(t, "", "", nil, skopeo, "inspect", "oci:"+dir+":latest")
		var got struct{ Digest, Os, Architecture string }
		if err := json.Unmarshal([]byte(r.stdout), &got); err != nil {
			t.Fatalf("parsing skopeo inspect: %v\n%s", err, r.stdout)
		}
		want := struct{ Digest, Os, Architecture string }{ref.digest, "linux", "amd64"}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("skopeo inspect (-want +got):\n%s", diff)
		}
	})

	t.Run("skopeo inspect --config", func(t *testing.T) {
		skopeo := needTool(t, "skopeo")
		r := mustRun(t, "", "", nil, skopeo, "inspect", "--config", "oci:"+dir+":latest")
		checkConfig(t, []byte(r.stdout), "hello")
	})

	t.Run("skopeo copy to docker-archive", func(t *testing.T) {
		skopeo := needTool(t, "skopeo")
		tar := filepath.Join(t.TempDir(), "hello.tar")
		mustRun(t, "", "", nil, skopeo, "copy", "oci:"+dir+":latest", "docker-archive:"+tar+":hello:latest")
	})

	t.Run("oci-image-tool validate", func(t *testing.T) {
		tool := needTool(t, "oci-image-tool")
		r := mustRun(t, "", "", nil, tool, "validate", "--type", "image", "--ref", "name=latest", dir)
		if out := r.stdout + r.stderr; !strings.Contains(out, "Validation succeeded") {
			t.Errorf("oci-image-tool validate did not report success:\n%s", r)
		}
	})

	t.Run("umoci unpack", func(t *testing.T) {
		checkRootfs(t, filepath.Join(unpack(t, dir, "latest"), "rootfs"), "hello")
	})
}

// imageConfig is the part of an OCI image config that leve sets.
type imageConfig struct {
	Architecture string `json:"architecture"`
	OS           string `json:"os"`
	Created      string `json:"created"`
	Config       struct {
		User       string   `json:"User"`
		WorkingDir string   `json:"WorkingDir"`
		Entrypoint []string `json:"Entrypoint"`
		Env        []string `json:"Env"`
	} `json:"config"`
	RootFS struct {
		Type    string   `json:"type"`
		DiffIDs []string `json:"diff_ids"`
	} `json:"rootfs"`
	History []struct {
		EmptyLayer bool `json:"empty_layer"`
	} `json:"history"`
}

// checkConfig checks the image config data of the program name against
// leve's defaults.
func checkConfig(t *testing.T, data []byte, name string) imageConfig {
	t.Helper()
	var c imageConfig
	if err := json.Unmarshal(data, &c); err != nil {
		t.Fatalf("parsing the image config: %v\n%s", err, data)
	}
	type view struct {
		Architecture, OS, User, WorkingDir string
		Entrypoint                         []string
		RootFSType                         string
	}
	got := view{c.Architecture, c.OS, c.Config.User, c.Config.WorkingDir, c.Config.Entrypoint, c.RootFS.Type}
	want := view{"amd64", "linux", "65532:65532", "/app", []string{"/app/" + name}, "layers"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("image config (-want +got):\n%s", diff)
	}
	hasPath := false
	for _, e := range c.Config.Env {
		hasPath = hasPath || strings.HasPrefix(e, "PATH=")
	}
	if !hasPath {
		t.Errorf("image config Env = %q, want a PATH=... entry", c.Config.Env)
	}
	layers := 0
	for _, h := range c.History {
		if !h.EmptyLayer {
			layers++
		}
	}
	if layers != len(c.RootFS.DiffIDs) || layers == 0 {
		t.Errorf("image config has %d non-empty history entries for %d layers, want one per layer", layers, len(c.RootFS.DiffIDs))
	}
	return c
}

// checkRootfs checks the unpacked root filesystem of the program name.
func checkRootfs(t *testing.T, rootfs, name string) {
	t.Helper()
	checkEntry(t, rootfs, "app/"+name, 0o755, 0)
	checkEntry(t, rootfs, "tmp", fs.ModeDir|fs.ModeSticky|0o777, 0)
	checkEntry(t, rootfs, "home/nonroot", fs.ModeDir, 65532)
	checkEntry(t, rootfs, "etc/passwd", 0o644, 0)
	checkEntry(t, rootfs, "etc/group", 0o644, 0)
	checkLines(t, rootfs, "etc/passwd", "root:x:0:0:", "nonroot:x:65532:65532:")
	checkLines(t, rootfs, "etc/group", "root:x:0:", "nonroot:x:65532:")
	passwd, _ := os.ReadFile(filepath.Join(rootfs, "etc/passwd"))
	for _, line := range strings.Split(string(passwd), "\n") {
		if strings.HasPrefix(line, "nonroot:") {
			if f := strings.Split(line, ":"); len(f) < 6 || f[5] != "/home/nonroot" {
				t.Errorf("/etc/passwd line %q, want home /home/nonroot", line)
			}
		}
	}
}

// checkEntry checks the mode and owner (uid and gid) of rootfs/rel. A mode
// with no permission bits checks only the type (a directory of any mode).
func checkEntry(t *testing.T, rootfs, rel string, mode fs.FileMode, owner uint32) {
	t.Helper()
	info, err := os.Lstat(filepath.Join(rootfs, rel))
	if err != nil {
		t.Errorf("image file /%s: %v", rel, err)
		return
	}
	if got := info.Mode(); got != mode && !(mode.Perm() == 0 && got.Type() == mode.Type()) {
		t.Errorf("image file /%s mode = %v, want %v", rel, info.Mode(), mode)
	}
	if st, ok := info.Sys().(*syscall.Stat_t); ok && (st.Uid != owner || st.Gid != owner) {
		t.Errorf("image file /%s owner = %d:%d, want %d:%d", rel, st.Uid, st.Gid, owner, owner)
	}
}

// checkLines checks that rootfs/rel has a line starting with each prefix.
func checkLines(t *testing.T, rootfs, rel string, prefixes ...string) {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(rootfs, rel))
	if err != nil {
		t.Errorf("image file /%s: %v", rel, err)
		return
	}
	lines := strings.Split(string(data), "\n")
	for _, p := range prefixes {
		found := false
		for _, l := range lines {
			found = found || strings.HasPrefix(l, p)
		}
		if !found {
			t.Errorf("image file /%s has no line starting with %q:\n%s", rel, p, data)
		}
	}
}

// TestRunHello runs the image built from examples/hello with runc and checks
// its answers and exit code.
func TestRunHello(t *testing.T) {
	dir, _ := helloLayout(t)
	bundle := unpack(t, dir, "latest")
	for _, g := range greetings {
		t.Run(g.name, func(t *testing.T) {
			r := runContainer(t, bundle, g.stdin)
			if r.code != 0 || !strings.Contains(r.stdout, g.want) {
				t.Errorf("runc run hello with stdin %q: %s\nwant exit 0 and %q on stdout", g.stdin, r, g.want)
			}
		})
	}
}
