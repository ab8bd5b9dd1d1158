package e2e

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// storeImage is one image of "leve images --json".
type storeImage struct {
	Repository string   `json:"repository"`
	Tag        string   `json:"tag"`
	Digest     string   `json:"digest"`
	Created    string   `json:"created"`
	PullSize   int64    `json:"pullSize"`
	DiskSize   int64    `json:"diskSize"`
	Platforms  []string `json:"platforms"`
}

// storeImages runs "leve images --json" in dir.
func storeImages(t *testing.T, dir string, args ...string) (ls struct {
	Images    []storeImage `json:"images"`
	TotalDisk int64        `json:"totalDiskSize"`
}) {
	t.Helper()
	r := runLeve(t, dir, nil, append([]string{"images", "--json"}, args...)...)
	if r.code != 0 {
		t.Fatalf("leve images --json: %s", r)
	}
	if err := readJSONString(r.stdout, &ls); err != nil {
		t.Fatal(err)
	}
	return ls
}

// blobFiles lists the blob files of the layout dir.
func blobFiles(t *testing.T, dir string) []string {
	t.Helper()
	es, err := os.ReadDir(filepath.Join(dir, "blobs", "sha256"))
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range es {
		out = append(out, "sha256:"+e.Name())
	}
	return out
}

// imageBlobSet returns the blobs the image tagged tag uses in the layout
// dir: its manifest, config and layers, and its SBOMs' blobs.
func imageBlobSet(t *testing.T, dir, tag string) []string {
	t.Helper()
	d := findTag(t, dir, tag).Digest
	m := manifestOf(t, dir, tag)
	out := []string{d, m.Config.Digest}
	for _, l := range m.Layers {
		out = append(out, l.Digest)
	}
	for _, s := range sbomsOf(t, dir, d) {
		var sm struct {
			Config descriptor   `json:"config"`
			Layers []descriptor `json:"layers"`
		}
		if err := json.Unmarshal(readBlob(t, dir, s), &sm); err != nil {
			t.Fatal(err)
		}
		out = append(out, s, sm.Config.Digest)
		for _, l := range sm.Layers {
			out = append(out, l.Digest)
		}
	}
	return out
}

// TestStoreSeedSteps types the seed's steps with leve in a scratch copy of
// its lone app.go: leve build -t app-go:1.0 app.go writes the store, and
// leve images lists app-go 1.0 with its digest and pull size; the image in
// the store greets the name read from stdin (umoci, runc).
func TestStoreSeedSteps(t *testing.T) {
	dir := seedApp(t, "seed")
	r := runLeve(t, dir, nil, "build", "--json", "-t", "app-go:1.0", "app.go")
	if r.code != 0 {
		t.Fatalf("leve build -t app-go:1.0 app.go: %s", r)
	}
	var rep struct {
		Digest   string `json:"digest"`
		PullSize int64  `json:"pullSize"`
	}
	if err := readJSONString(r.stdout, &rep); err != nil {
		t.Fatal(err)
	}
	r = runLeve(t, dir, nil, "images")
	if r.code != 0 {
		t.Fatalf("leve images: %s", r)
	}
	lines := strings.Split(strings.TrimSpace(r.stdout), "\n")
	if len(lines) != 3 || !strings.HasPrefix(lines[0], "REPOSITORY") || !strings.HasPrefix(lines[2], "total: 1 images") {
		t.Fatalf("leve images printed %q, want a header, one image and a total", r.stdout)
	}
	f := strings.Fields(lines[1])
	short := strings.TrimPrefix(rep.Digest, "sha256:")[:12]
	if len(f) < 6 || f[0] != "app-go" || f[1] != "1.0" || f[2] != short {
		t.Errorf("leve images line %q, want app-go 1.0 %s …", lines[1], short)
	}
	ls := storeImages(t, dir)
	if len(ls.Images) != 1 {
		t.Fatalf("leve images --json: %+v, want one image", ls)
	}
	im := ls.Images[0]
	if im.Digest != rep.Digest || im.PullSize != rep.PullSize || !slices.Equal(im.Platforms, []string{"linux/amd64"}) {
		t.Errorf("leve images --json: %+v, want digest %s and pull size %d of the build", im, rep.Digest, rep.PullSize)
	}
	if q := runLeve(t, dir, nil, "images", "-q"); q.stdout != rep.Digest+"\n" {
		t.Errorf("leve images -q = %q, want %q", q.stdout, rep.Digest+"\n")
	}
	bundle := unpack(t, filepath.Join(dir, "leve-out", "app-go"), "1.0")
	if r := runContainer(t, bundle, "Maria\n"); r.code != 0 || !strings.Contains(r.stdout, "Oi, Maria! Eu sou a linguagem Go!") {
		t.Errorf("runc run app-go:1.0: %s", r)
	}
}

// TestStoreConcurrentBuildsRmi builds three tags of one name into the store
// at once: leve images --json lists all three; leve rmi of one deletes
// exactly the blobs only it used, and the other two still run.
func TestStoreConcurrentBuildsRmi(t *testing.T) {
	needTool(t, "umoci")
	needTool(t, "runc")
	dir := seedApp(t, "seed")
	env := []string{"LEVE_CACHE=" + t.TempDir()}
	tags := []string{"1", "2", "3"}
	var wg sync.WaitGroup
	res := make([]result, len(tags))
	for i, tag := range tags {
		wg.Add(1)
		go func() {
			defer wg.Done()
			res[i], _ = execCmd(dir, "", env, leve(t), "build", "-t", "app-go:"+tag, "--ldflags", "-X main.build="+tag, "app.go")
		}()
	}
	wg.Wait()
	for i, r := range res {
		if r.code != 0 {
			t.Fatalf("leve build -t app-go:%s: %s", tags[i], r)
		}
	}
	ls := storeImages(t, dir)
	var got []string
	for _, im := range ls.Images {
		got = append(got, im.Repository+":"+im.Tag)
	}
	slices.Sort(got)
	if want := []string{"app-go:1", "app-go:2", "app-go:3"}; !slices.Equal(got, want) {
		t.Fatalf("leve images --json lists %v, want %v", got, want)
	}
	var sum int64
	for _, im := range ls.Images {
		sum += im.DiskSize
	}
	if ls.TotalDisk >= sum {
		t.Errorf("total on disk %d, want less than the sum %d: the three share their non-binary layers", ls.TotalDisk, sum)
	}

	layout := filepath.Join(dir, "leve-out", "app-go")
	keep := append(imageBlobSet(t, layout, "1"), imageBlobSet(t, layout, "3")...)
	var only []string
	for _, b := range imageBlobSet(t, layout, "2") {
		if !slices.Contains(keep, b) && !slices.Contains(only, b) {
			only = append(only, b)
		}
	}
	if len(only) == 0 {
		t.Fatal("app-go:2 has no blob of its own; the builds did not differ")
	}
	before := blobFiles(t, layout)
	r := runLeve(t, dir, nil, "rmi", "app-go:2")
	if r.code != 0 {
		t.Fatalf("leve rmi app-go:2: %s", r)
	}
	after := blobFiles(t, layout)
	var deleted []string
	for _, b := range before {
		if !slices.Contains(after, b) {
			deleted = append(deleted, b)
		}
	}
	slices.Sort(deleted)
	slices.Sort(only)
	if !slices.Equal(deleted, only) {
		t.Errorf("leve rmi app-go:2 deleted %v, want exactly the blobs only it used %v", deleted, only)
	}
	for _, b := range only {
		if !strings.Contains(r.stdout, "Deleted: "+b+"\n") {
			t.Errorf("leve rmi did not say it deleted %s:\n%s", b, r.stdout)
		}
	}
	if got := storeImages(t, dir).Images; len(got) != 2 {
		t.Errorf("after rmi, leve images lists %+v, want app-go:1 and app-go:3", got)
	}
	for _, tag := range []string{"1", "3"} {
		bundle := unpack(t, layout, tag)
		if r := runContainer(t, bundle, "Maria\n"); r.code != 0 || !strings.Contains(r.stdout, "Oi, Maria!") {
			t.Errorf("runc run app-go:%s after rmi app-go:2: %s", tag, r)
		}
	}
	if r := runLeve(t, dir, nil, "rmi", "app-go:2"); r.code != 1 || !strings.Contains(r.stderr, "app-go:2: no such image in the local store") {
		t.Errorf("leve rmi app-go:2 again: %s, want exit 1 naming it", r)
	}
	if r := runLeve(t, dir, nil, "images", "--filter", "label=x"); r.code != 2 {
		t.Errorf("leve images --filter label=x: %s, want exit 2", r)
	}
}

// TestStoreNameResolution holds app-go:1.0 both in the store and as the
// loopback registry's repository app-go, two different images: --base
// app-go:1.0 builds on the local one and says so, --base
// 127.0.0.1:PORT/app-go:1.0 on the registry's.
func TestStoreNameResolution(t *testing.T) {
	addr := registryAddr(t)
	dir := seedApp(t, "seed")
	env := []string{"LEVE_CACHE=" + t.TempDir()}
	local := runCmd(t, dir, "", env, leve(t), "build", "-t", "app-go:1.0", "app.go")
	if local.code != 0 {
		t.Fatalf("leve build -t app-go:1.0: %s", local)
	}
	remoteRef := addr + "/app-go:1.0"
	pushed := runCmd(t, dir, "", env, leve(t), "build", "-t", "app-go:1.0", "--ldflags", "-X main.registry=1", "--insecure", "--push", remoteRef, "app.go")
	if pushed.code != 0 {
		t.Fatalf("leve build --push %s: %s", remoteRef, pushed)
	}
	localLayers := manifestOf(t, filepath.Join(dir, "leve-out", "app-go"), "1.0").Layers
	_, remoteManifestDigest := remoteManifest(t, remoteRef)
	if parseRef(t, local).digest == remoteManifestDigest {
		t.Fatal("the local and the registry's app-go:1.0 are the same image; the test cannot tell them apart")
	}
	raw, _ := remoteManifest(t, remoteRef)
	var rm struct{ Layers []descriptor }
	if err := json.Unmarshal(raw, &rm); err != nil {
		t.Fatal(err)
	}

	for _, c := range []struct {
		base, from string
		layers     []descriptor
	}{
		{"app-go:1.0", "base from the local store (leve-out/app-go:1.0)", localLayers},
		{remoteRef, "", rm.Layers},
	} {
		out := filepath.Join(t.TempDir(), "out")
		r := runCmd(t, dir, "", env, leve(t), "build", "--insecure", "--base", c.base, "-o", out, filepath.Join(repoRoot, "examples", "hello"))
		if r.code != 0 {
			t.Fatalf("leve build --base %s: %s", c.base, r)
		}
		if c.from != "" && !strings.Contains(r.stderr, c.from+"\n") {
			t.Errorf("leve build --base %s: stderr does not say %q:\n%s", c.base, c.from, r.stderr)
		}
		if c.from == "" && strings.Contains(r.stderr, "base from") {
			t.Errorf("leve build --base %s (exact): stderr says where the base came from:\n%s", c.base, r.stderr)
		}
		got := manifestOf(t, out, "latest").Layers
		if len(got) <= len(c.layers) {
			t.Fatalf("--base %s: %d layers on a base of %d", c.base, len(got), len(c.layers))
		}
		for i, l := range c.layers {
			if got[i].Digest != l.Digest {
				t.Errorf("--base %s: layer %d is %s, want the base's %s", c.base, i, got[i].Digest, l.Digest)
			}
		}
	}
}

// TestStoreSeedRun types the seed's three steps with leve and no dockerd:
// leve build -t app-go:1.0 app.go, leve images, then leve run -ti --name
// meuappOK app-go:1.0 at a tmux terminal, which finds app-go:1.0 in the
// local store, says so, and greets the name typed at the prompt
// (LEVE_ENGINE=runc: podman, which the default would pick next, is
// covered by TestRunPodman).
func TestStoreSeedRun(t *testing.T) {
	needRunc(t)
	if _, err := os.Stat("/var/run/docker.sock"); err == nil && os.Getenv("DOCKER_HOST") == "" {
		if r, _ := execCmd("", "", nil, "sh", "-c", "pgrep -x dockerd"); r.code == 0 {
			t.Skip("dockerd is running; this test shows the seed's steps without it")
		}
	}
	dir := seedApp(t, "seed")
	script := fmt.Sprintf("set -e\n%[1]s build -t app-go:1.0 app.go\n%[1]s images\n%[1]s run -ti --name meuappOK app-go:1.0\n", leve(t))
	s := startScreen(t, dir, []string{"LEVE_ENGINE=runc", "DOCKER_HOST=unix://" + filepath.Join(t.TempDir(), "no-docker.sock")}, script)
	text, code := s.answer("Qual é o seu nome:?", "Maria", 2*time.Minute)
	if code != 0 {
		t.Fatalf("the seed's steps exited %d; the screen shows:\n%s", code, text)
	}
	for _, want := range []string{"app-go:1.0@sha256:", "REPOSITORY", "total: 1 images", "leve: app-go:1.0: from the local store (leve-out/app-go:1.0)", "Oi, Maria! Eu sou a linguagem Go!"} {
		if !strings.Contains(text, want) {
			t.Errorf("the screen does not show %q:\n%s", want, text)
		}
	}
	if !regexp.MustCompile(`(?m)^app-go\s+1\.0\s+[0-9a-f]{12}\s`).MatchString(text) {
		t.Errorf("leve images does not list app-go 1.0 with its digest:\n%s", text)
	}
}
