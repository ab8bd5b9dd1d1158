package e2e

import (
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestStdout checks that without --json stdout is exactly one line
// hello:latest@sha256:<64 hex>, the digest of the manifest in the layout.
func TestStdout(t *testing.T) {
	dir, ref := helloLayout(t)
	if !strings.HasPrefix(hello.res.stdout, "hello:latest@sha256:") {
		t.Errorf("stdout = %q, want hello:latest@sha256:<64 hex>", hello.res.stdout)
	}
	if d := findTag(t, dir, "latest"); d.Digest != ref.digest {
		t.Errorf("stdout names digest %s, the layout's tag latest is %s", ref.digest, d.Digest)
	}
}

// TestJSON checks that --json prints one JSON document on stdout that names
// the same image as a build without it, with the fields docs/build-json.md
// documents.
func TestJSON(t *testing.T) {
	_, ref := helloLayout(t)
	out := filepath.Join(t.TempDir(), "layout")
	r := runLeve(t, "", nil, "build", "--json", "-o", out, filepath.Join(repoRoot, "examples", "hello"))
	if r.code != 0 {
		t.Fatalf("leve build --json: %s", r)
	}
	dec := json.NewDecoder(strings.NewReader(r.stdout))
	var doc map[string]any
	if err := dec.Decode(&doc); err != nil {
		t.Fatalf("leve build --json stdout is not a JSON object: %v\n%s", err, r.stdout)
	}
	var extra any
	if err := dec.Decode(&extra); !errors.Is(err, io.EOF) {
		t.Errorf("leve build --json printed more than one JSON document (next: %v, %v):\n%s", extra, err, r.stdout)
	}
	if !containsString(doc, ref.digest) {
		t.Fatalf("leve build --json does not name the digest %s:\n%s", ref.digest, r.stdout)
	}

	type image struct {
		Platform, Digest string
		PullSize         int64
	}
	var got struct {
		SchemaVersion        int
		Reference, Name, Tag string
		Digest               string
		PullSize             int64
		Images               []image
	}
	if err := json.Unmarshal([]byte(r.stdout), &got); err != nil {
		t.Fatalf("parsing leve build --json: %v", err)
	}
	want := got
	want.SchemaVersion, want.Name, want.Tag = 1, "hello", "latest"
	want.Reference, want.Digest = strings.TrimSuffix(hello.res.stdout, "\n"), ref.digest
	want.PullSize = layoutPullSize(t, out, "latest")
	want.Images = []image{{Platform: "linux/amd64", Digest: ref.digest, PullSize: want.PullSize}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("leve build --json (-want +got):\n%s", diff)
	}
}

// containsString reports whether s occurs in any string of the decoded JSON
// value v.
func containsString(v any, s string) bool {
	switch v := v.(type) {
	case string:
		return strings.Contains(v, s)
	case []any:
		for _, e := range v {
			if containsString(e, s) {
				return true
			}
		}
	case map[string]any:
		for _, e := range v {
			if containsString(e, s) {
				return true
			}
		}
	}
	return false
}

// TestOutputs checks where leve build writes: ./leve-out/NAME by default,
// and with -o several tags side by side, each build replacing only its tag.
func TestOutputs(t *testing.T) {
	src := filepath.Join(repoRoot, "examples", "hello")

	t.Run("default layout", func(t *testing.T) {
		cwd := t.TempDir()
		r := runLeve(t, cwd, nil, "build", src)
		if r.code != 0 {
			t.Fatalf("leve build: %s", r)
		}
		ref := parseRef(t, r)
		if d := findTag(t, filepath.Join(cwd, "leve-out", "hello"), "latest"); d.Digest != ref.digest {
			t.Errorf("./leve-out/hello tag latest = %s, want %s", d.Digest, ref.digest)
		}
	})

	t.Run("tags", func(t *testing.T) {
		out := filepath.Join(t.TempDir(), "layout")
		refs := map[string]imageRef{}
		for _, tag := range []string{"greeter:1.0", "greeter:2.0"} {
			r := runLeve(t, "", nil, "build", "-t", tag, "-o", out, src)
			if r.code != 0 {
				t.Fatalf("leve build -t %s: %s", tag, r)
			}
			ref := parseRef(t, r)
			if got := ref.name + ":" + ref.tag; got != tag {
				t.Errorf("leve build -t %s printed %s", tag, got)
			}
			refs[ref.tag] = ref
		}
		// Rebuilding a tag replaces it and keeps the other.
		r := runLeve(t, "", nil, "build", "-t", "greeter:1.0", "--label", "rebuilt=yes", "-o", out, src)
		if r.code != 0 {
			t.Fatalf("leve build --label: %s", r)
		}
		refs["1.0"] = parseRef(t, r)
		if refs["1.0"].digest == refs["2.0"].digest {
			t.Errorf("a build with --label has the digest of one without")
		}
		idx := readIndex(t, out)
		tagged := 0
		for _, m := range idx.Manifests {
			if m.Annotations["org.opencontainers.image.ref.name"] != "" {
				tagged++
			}
		}
		// SBOM referrers carry no ref.name: one tagged entry per tag.
		if tagged != 2 || len(idx.Manifests) != 4 {
			t.Errorf("index.json has %d tagged entries of %d, want 2 tags and their 2 SBOMs: %+v", tagged, len(idx.Manifests), idx.Manifests)
		}
		for tag, ref := range refs {
			d := findTag(t, out, tag)
			if d.Digest != ref.digest || d.Annotations[annotationImageName] != "greeter:"+tag {
				t.Errorf("index.json entry for %s = %+v, want digest %s and %s=greeter:%s", tag, d, ref.digest, annotationImageName, tag)
			}
		}
	})

	t.Run("tarball and layout", func(t *testing.T) {
		dir := t.TempDir()
		out, tar := filepath.Join(dir, "layout"), filepath.Join(dir, "hello.tar")
		r := runLeve(t, "", nil, "build", "--tarball", tar, "-o", out, src)
		if r.code != 0 {
			t.Fatalf("leve build --tarball -o: %s", r)
		}
		ref := parseRef(t, r)
		if d := findTag(t, out, "latest"); d.Digest != ref.digest {
			t.Errorf("layout tag latest = %s, want %s", d.Digest, ref.digest)
		}
		if info, err := os.Stat(tar); err != nil || info.Size() == 0 {
			t.Errorf("leve build --tarball -o wrote no tarball: %v", err)
		}
	})

	t.Run("SOURCE_DATE_EPOCH", func(t *testing.T) {
		skopeo := needTool(t, "skopeo")
		out := filepath.Join(t.TempDir(), "layout")
		r := runLeve(t, "", []string{"SOURCE_DATE_EPOCH=1700000000"}, "build", "-o", out, src)
		if r.code != 0 {
			t.Fatalf("SOURCE_DATE_EPOCH=1700000000 leve build: %s", r)
		}
		r = mustRun(t, "", "", nil, skopeo, "inspect", "--config", "oci:"+out+":latest")
		if c := checkConfig(t, []byte(r.stdout), "hello"); c.Created != "2023-11-14T22:13:20Z" {
			t.Errorf("SOURCE_DATE_EPOCH=1700000000: config created = %q, want 2023-11-14T22:13:20Z", c.Created)
		}
	})
}
