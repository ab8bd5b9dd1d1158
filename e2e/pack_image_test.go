package e2e

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// packedImage builds examples/hello with --pack into a new OCI layout and
// returns the layout directory and the reference leve printed.
func packedImage(t *testing.T) (string, imageRef) {
	t.Helper()
	layout := filepath.Join(t.TempDir(), "layout")
	r := runLeve(t, "", nil, "build", "--pack", "-t", "hello-packed:e2e", "-o", layout, filepath.Join(repoRoot, "examples", "hello"))
	if r.code != 0 {
		t.Fatalf("leve build --pack -o %s examples/hello: %s", layout, r)
	}
	return layout, parseRef(t, r)
}

// isPacked reports whether data ends with the trailer of a leve packed
// executable ("LEVEPAK" and the format version byte).
func isPacked(data []byte) bool {
	return len(data) > 8 && bytes.HasPrefix(data[len(data)-8:], []byte("LEVEPAK"))
}

// TestPackImage builds examples/hello with --pack and checks that the
// image ships a packed /app/hello that greets under runc (from the OCI
// layout, unpacked with umoci) and under Docker (from --tarball), and
// whose Go build info, as go version -m prints it, is that of the
// unpacked build.
func TestPackImage(t *testing.T) {
	layout, ref := packedImage(t)
	packed := imageFile(t, layout, ref.tag, "app/hello")
	if !isPacked(packed) {
		t.Fatalf("/app/hello of the --pack image (%d bytes) is not a leve packed executable", len(packed))
	}
	g := greetings[0] // "Maria Silva\n"

	t.Run("runc", func(t *testing.T) {
		bundle := unpack(t, layout, ref.tag)
		r := runContainer(t, bundle, g.stdin)
		t.Logf("runc: %q", r.stdout)
		if r.code != 0 || !strings.Contains(r.stdout, g.want) {
			t.Errorf("runc run of the --pack image with stdin %q: %s\nwant exit 0 and %q on stdout", g.stdin, r, g.want)
		}
	})

	t.Run("go version -m", func(t *testing.T) {
		goBin := needTool(t, "go")
		plainLayout, plainRef := helloLayout(t)
		plain := imageFile(t, plainLayout, plainRef.tag, "app/hello")
		if isPacked(plain) {
			t.Fatal("/app/hello of the build without --pack is packed")
		}
		if len(packed) >= len(plain) {
			t.Errorf("packed /app/hello is %d bytes, not smaller than the unpacked %d bytes", len(packed), len(plain))
		}
		// Both files are named hello, so that the lines go version -m
		// prints differ only in their directory, which is cut.
		versionM := func(data []byte) string {
			dir := t.TempDir()
			path := filepath.Join(dir, "hello")
			if err := os.WriteFile(path, data, 0o755); err != nil {
				t.Fatal(err)
			}
			r := mustRun(t, "", "", nil, goBin, "version", "-m", path)
			return strings.ReplaceAll(r.stdout, dir+string(filepath.Separator), "")
		}
		want, got := versionM(plain), versionM(packed)
		t.Logf("go version -m (%d bytes packed, %d unpacked):\n%s", len(packed), len(plain), got)
		if !strings.Contains(want, "\tpath\t") {
			t.Fatalf("go version -m of the unpacked /app/hello shows no module path:\n%s", want)
		}
		if got != want {
			t.Errorf("go version -m of the packed /app/hello:\n%s\nwant (unpacked):\n%s", got, want)
		}
	})

	t.Run("docker", func(t *testing.T) {
		env := dockerEnv(t)
		tar := filepath.Join(t.TempDir(), "hello-packed.tar")
		r := runLeve(t, "", env, "build", "--pack", "-t", "hello-packed:e2e", "--tarball", tar, filepath.Join(repoRoot, "examples", "hello"))
		if r.code != 0 {
			t.Fatalf("leve build --pack --tarball: %s", r)
		}
		tref := parseRef(t, r)
		if tref != ref {
			t.Errorf("leve build --pack --tarball printed %+v, want the layout's %+v (same image)", tref, ref)
		}
		mustRun(t, "", "", env, "docker", "load", "-i", tar)
		image := tref.name + ":" + tref.tag
		r = runCmd(t, "", g.stdin, env, "docker", "run", "--rm", "-i", "--network", "none", image)
		t.Logf("docker run: %q", r.stdout)
		if r.code != 0 || !strings.Contains(r.stdout, g.want) {
			t.Errorf("docker run -i %s with stdin %q: %s\nwant exit 0 and %q on stdout", image, g.stdin, r, g.want)
		}
	})
}
