package e2e

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/leve-build/leve/pkg/pull"
	"github.com/leve-build/leve/pkg/regopts"
)

// podmanEnv writes a containers.conf (the container-tools recipe's) and a
// storage.conf with vfs storage in a temporary directory, and returns the
// environment that points podman at them.
func podmanEnv(t *testing.T) []string {
	t.Helper()
	needTool(t, "podman")
	needRoot(t)
	dir := t.TempDir()
	conf := filepath.Join(dir, "containers.conf")
	storage := filepath.Join(dir, "storage.conf")
	writeFiles(t, dir, map[string]string{
		"containers.conf": "[containers]\ndefault_ulimits = [\"nofile=1024:1024\", \"nproc=4096:4096\"]\n[engine]\nruntime = \"runc\"\ncgroup_manager = \"cgroupfs\"\nevents_logger = \"file\"\n",
		"storage.conf":    "[storage]\ndriver = \"vfs\"\ngraphroot = \"" + filepath.Join(dir, "graph") + "\"\nrunroot = \"" + filepath.Join(dir, "run") + "\"\n",
	})
	return []string{"CONTAINERS_CONF=" + conf, "CONTAINERS_STORAGE_CONF=" + storage}
}

// sourceImage is what a source gives of an image: its config digest, its
// diff_ids and the layer descriptions of pull.Layers.
type sourceImage struct {
	config  v1.Hash
	diffIDs []v1.Hash
	layers  []pull.LayerInfo
}

// readSource opens ref with pull (env set in the test's environment for
// docker: and podman:), checks every blob and describes its layers.
func readSource(t *testing.T, ref string, env []string, ro regopts.Options) sourceImage {
	t.Helper()
	for _, kv := range env {
		k, v, _ := strings.Cut(kv, "=")
		t.Setenv(k, v)
	}
	ctx := context.Background()
	src, err := pull.Open(ctx, ref, pull.Options{Registry: ro})
	if err != nil {
		t.Fatalf("pull.Open(%s): %v", ref, err)
	}
	defer src.Close()
	img, err := src.Image("linux", "amd64", "")
	if err != nil {
		t.Fatalf("%s: %v", ref, err)
	}
	if err := pull.Check(ctx, img); err != nil {
		t.Fatalf("pull.Check(%s): %v", ref, err)
	}
	var si sourceImage
	if si.config, err = img.ConfigName(); err != nil {
		t.Fatal(err)
	}
	cf, err := img.ConfigFile()
	if err != nil {
		t.Fatal(err)
	}
	si.diffIDs = cf.RootFS.DiffIDs
	if si.layers, err = pull.Layers(ctx, img); err != nil {
		t.Fatalf("pull.Layers(%s): %v", ref, err)
	}
	return si
}

// TestSources builds examples/hello on a busybox base into a layout and a
// tarball, and reads the same image back through every source kind that
// real tools produce: leve's tarball (docker-archive:, oci-archive: and a
// bare path), skopeo's oci-archive, Debian's dockerd 20.10 (docker save,
// the legacy format, and docker: through the Engine API), podman (podman:)
// and the loopback registry. Every source gives the same config digest and
// diff_ids; compressed sizes come from the source's blobs, or are marked
// estimated for the sources without compressed blobs. leve build then
// takes the docker save archive and docker: as bases.
func TestSources(t *testing.T) {
	before := leftovers(t)
	base := busyboxBase(t)
	dir := t.TempDir()
	layout, tarball := filepath.Join(dir, "layout"), filepath.Join(dir, "hello.tar")
	r := runLeve(t, "", nil, "build", "-t", "srcs:1", "--base", "oci:"+base+":latest", "-o", layout, "--tarball", tarball, filepath.Join(repoRoot, "examples", "hello"))
	if r.code != 0 {
		t.Fatalf("leve build: %s", r)
	}
	ref := parseRef(t, r)
	image := ref.name + ":" + ref.tag

	want := readSource(t, "oci:"+layout+":"+ref.tag, nil, regopts.Options{})
	if len(want.diffIDs) < 2 {
		t.Fatalf("the image has %d layers, want the base's and leve's", len(want.diffIDs))
	}
	// blobs says where compressed sizes come from: the layout's blobs
	// ("same"), the source's own ("own"), or an estimate ("estimated").
	check := func(t *testing.T, ref string, env []string, ro regopts.Options, blobs string) {
		t.Helper()
		got := readSource(t, ref, env, ro)
		if got.config != want.config {
			t.Errorf("%s: config digest %s, want %s (the layout's)", ref, got.config, want.config)
		}
		if d := cmp.Diff(want.diffIDs, got.diffIDs); d != "" {
			t.Errorf("%s: diff_ids differ from the layout's (-want +got):\n%s", ref, d)
		}
		for i, l := range got.layers {
			w := want.layers[i]
			if l.Size != w.Size || l.DiffID != w.DiffID || l.CreatedBy != w.CreatedBy {
				t.Errorf("%s: layer %d = %+v, want the layout's size, diff_id and created-by %+v", ref, i+1, l, w)
			}
			estimated := blobs == "estimated"
			if l.Estimated != estimated {
				t.Errorf("%s: layer %d Estimated = %v, want %v", ref, i+1, l.Estimated, estimated)
			}
			if blobs == "own" && (l.CompressedSize <= 0 || l.Digest.Hex == "") {
				t.Errorf("%s: layer %d blob %s (%d bytes), want its own blob's digest and size", ref, i+1, l.Digest, l.CompressedSize)
			}
			if blobs == "same" && (l.CompressedSize != w.CompressedSize || l.Digest != w.Digest) {
				t.Errorf("%s: layer %d blob %s (%d bytes), want the layout's %s (%d bytes)", ref, i+1, l.Digest, l.CompressedSize, w.Digest, w.CompressedSize)
			}
			if estimated && (l.CompressedSize <= 0 || l.CompressedSize > l.Size+l.Size/100+1024) {
				t.Errorf("%s: layer %d estimated compressed size %d for %d bytes of content", ref, i+1, l.CompressedSize, l.Size)
			}
		}
	}

	t.Run("leve tarball", func(t *testing.T) {
		for _, ref := range []string{"docker-archive:" + tarball, "oci-archive:" + tarball, tarball, layout} {
			check(t, ref, nil, regopts.Options{}, "same")
		}
	})
	t.Run("skopeo oci-archive", func(t *testing.T) {
		skopeo := needTool(t, "skopeo")
		archive := filepath.Join(t.TempDir(), "skopeo.tar")
		mustRun(t, "", "", nil, skopeo, "copy", "oci:"+layout+":"+ref.tag, "oci-archive:"+archive)
		check(t, "oci-archive:"+archive, nil, regopts.Options{}, "same")
		check(t, archive, nil, regopts.Options{}, "same")
	})
	t.Run("registry", func(t *testing.T) {
		skopeo := needTool(t, "skopeo")
		dest := registryAddr(t) + "/sources/hello:1"
		mustRun(t, "", "", nil, skopeo, "copy", "--dest-tls-verify=false", "oci:"+layout+":"+ref.tag, "docker://"+dest)
		check(t, dest, nil, regopts.Options{Insecure: true}, "same")
	})
	t.Run("docker", func(t *testing.T) {
		env := dockerEnv(t)
		mustRun(t, "", "", env, "docker", "load", "-i", tarball)
		saved := filepath.Join(t.TempDir(), "saved.tar")
		mustRun(t, "", "", env, "docker", "save", "-o", saved, image)
		if r := mustRun(t, "", "", nil, "tar", "tf", saved); !strings.Contains(r.stdout, "/layer.tar") {
			t.Fatalf("docker save of dockerd 20.10 wrote no <id>/layer.tar, not the legacy format:\n%s", r.stdout)
		}
		check(t, "docker-archive:"+saved, nil, regopts.Options{}, "estimated")
		check(t, saved, nil, regopts.Options{}, "estimated")
		check(t, "docker:"+image, env, regopts.Options{}, "estimated")

		for _, baseRef := range []string{"docker-archive:" + saved, "docker:" + image} {
			out := filepath.Join(t.TempDir(), "out")
			r := runLeve(t, "", env, "build", "--base", baseRef, "-o", out, filepath.Join(repoRoot, "examples", "hello"))
			if r.code != 0 {
				t.Fatalf("leve build --base %s: %s", baseRef, r)
			}
			got := readSource(t, "oci:"+out, nil, regopts.Options{})
			if len(got.diffIDs) <= len(want.diffIDs) || !cmp.Equal(got.diffIDs[:len(want.diffIDs)], want.diffIDs) {
				t.Errorf("leve build --base %s: diff_ids %v, want the base's %v first", baseRef, got.diffIDs, want.diffIDs)
			}
		}
		t.Setenv("DOCKER_HOST", strings.TrimPrefix(env[0], "DOCKER_HOST="))
		if _, err := pull.Open(context.Background(), "docker:none-such:1", pull.Options{}); err == nil || !strings.Contains(err.Error(), "no image none-such:1") {
			t.Errorf("pull.Open(docker:none-such:1) = %v, want no such image", err)
		}
	})
	t.Run("podman", func(t *testing.T) {
		env := podmanEnv(t)
		r := mustRun(t, "", "", env, "podman", "load", "-i", tarball)
		t.Logf("podman load: %s", strings.TrimSpace(r.stdout))
		// podman stores layers uncompressed and compresses them anew
		// when it saves: its blobs are its own.
		blobs := podmanBlobs(t, env, image)
		t.Logf("podman's oci-archive: compressed sizes %s", blobs)
		check(t, "podman:"+image, env, regopts.Options{}, blobs)
	})
	if left := leftovers(t); len(left) > len(before) {
		t.Errorf("temporary copies left behind: %v (before: %v)", left, before)
	}
}

// leftovers lists the temporary copies of images pull makes for docker:
// and podman: sources.
func leftovers(t *testing.T) []string {
	t.Helper()
	var all []string
	for _, p := range []string{"leve-image-*.tar", "leve-podman-*", "leve-layer-*.gz"} {
		m, err := filepath.Glob(filepath.Join(os.TempDir(), p))
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, m...)
	}
	return all
}

// podmanBlobs says where the compressed sizes of podman's oci-archive of
// image come from: "estimated" when it holds its layers uncompressed, else
// "own".
func podmanBlobs(t *testing.T, env []string, image string) string {
	t.Helper()
	archive := filepath.Join(t.TempDir(), "podman.tar")
	mustRun(t, "", "", env, "podman", "image", "save", "--format", "oci-archive", "-o", archive, image)
	r := mustRun(t, "", "", nil, "skopeo", "inspect", "--raw", "oci-archive:"+archive)
	if strings.Contains(r.stdout, "layer.v1.tar\"") || strings.Contains(r.stdout, "rootfs.diff.tar\"") {
		return "estimated"
	}
	return "own"
}

// TestSourceErrors gives leve build bases it cannot read: each exits 1
// with one line naming the base and the fix, and writes nothing.
func TestSourceErrors(t *testing.T) {
	dir := t.TempDir()
	notTar := filepath.Join(dir, "x.tar")
	if err := os.WriteFile(notTar, []byte("not a tar"), 0o644); err != nil {
		t.Fatal(err)
	}
	noDaemon := []string{"DOCKER_HOST=unix://" + filepath.Join(dir, "none.sock")}
	for _, tc := range []struct {
		name, base string
		env        func(t *testing.T) []string
		want       []string
	}{
		{"no daemon", "docker:app:1", func(*testing.T) []string { return noDaemon }, []string{"base docker:app:1", "does not answer", "DOCKER_HOST=unix://", "start dockerd"}},
		{"not a tar", "docker-archive:" + notTar, nil, []string{"base docker-archive:" + notTar, "is not a tar archive", "docker save"}},
		{"no such archive", filepath.Join(dir, "none.tar"), nil, []string{"no such file"}},
		{"podman image missing", "podman:none-such:1", podmanEnv, []string{"base podman:none-such:1", "podman has no image none-such:1", "podman load"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var env []string
			if tc.env != nil {
				env = tc.env(t)
			}
			out := filepath.Join(t.TempDir(), "out")
			r := runLeve(t, "", env, "build", "--base", tc.base, "-o", out, filepath.Join(repoRoot, "examples", "hello"))
			msg := strings.TrimSpace(r.stderr)
			t.Logf("leve build --base %s: %s", tc.base, msg)
			if r.code != 1 || strings.Contains(msg, "\n") {
				t.Errorf("leve build --base %s: %s\nwant exit 1 and one line", tc.base, r)
			}
			for _, w := range tc.want {
				if !strings.Contains(msg, w) {
					t.Errorf("leve build --base %s: stderr %q does not say %q", tc.base, msg, w)
				}
			}
			if _, err := os.Stat(out); err == nil {
				t.Errorf("leve build --base %s wrote %s", tc.base, out)
			}
		})
	}
}
