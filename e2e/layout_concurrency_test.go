package e2e

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// spdxType is the artifactType of the SBOM referrers leve writes by default.
const spdxType = "text/spdx+json"

// warmEnv returns the environment of cheap leve builds of examples/hello:
// a $LEVE_CACHE that one build has filled.
func warmEnv(t *testing.T) []string {
	t.Helper()
	env := []string{"LEVE_CACHE=" + t.TempDir()}
	runLeveOK(t, env, "build", "-o", filepath.Join(t.TempDir(), "warm"), filepath.Join(repoRoot, "examples", "hello"))
	return env
}

// runLeveOK runs leve like runLeve and fails the test unless it exits 0.
func runLeveOK(t *testing.T, env []string, args ...string) result {
	t.Helper()
	r := runLeve(t, "", env, args...)
	if r.code != 0 {
		t.Fatalf("leve %s: %s", strings.Join(args, " "), r)
	}
	return r
}

// layoutEntries reads the full descriptors of the index of the layout dir.
func layoutEntries(t *testing.T, dir string) []map[string]any {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dir, "index.json"))
	if err != nil {
		t.Fatal(err)
	}
	var idx struct{ Manifests []map[string]any }
	if err := json.Unmarshal(data, &idx); err != nil {
		t.Fatalf("parsing %s/index.json: %v", dir, err)
	}
	return idx.Manifests
}

// checkBlobs checks that every blob the index of the layout dir reaches
// (manifests, indexes, configs, layers) is there with the size and the
// sha256 its descriptor gives.
func checkBlobs(t *testing.T, dir string) {
	t.Helper()
	seen := map[string]bool{}
	var walk func(d descriptor, from string)
	walk = func(d descriptor, from string) {
		if seen[d.Digest] {
			return
		}
		seen[d.Digest] = true
		alg, hx, _ := strings.Cut(d.Digest, ":")
		data, err := os.ReadFile(filepath.Join(dir, "blobs", alg, hx))
		if err != nil {
			t.Errorf("%s names blob %s, which the layout lacks: %v", from, d.Digest, err)
			return
		}
		sum := sha256.Sum256(data)
		if int64(len(data)) != d.Size || alg != "sha256" || hex.EncodeToString(sum[:]) != hx {
			t.Errorf("blob %s (named by %s): %d bytes with sha256:%x, want %d bytes", d.Digest, from, len(data), sum, d.Size)
			return
		}
		if !strings.Contains(d.MediaType, "manifest") && !strings.Contains(d.MediaType, "index") {
			return
		}
		var m struct {
			Config    *descriptor
			Layers    []descriptor
			Manifests []descriptor
		}
		if err := json.Unmarshal(data, &m); err != nil {
			t.Errorf("manifest %s: %v", d.Digest, err)
			return
		}
		if m.Config != nil {
			walk(*m.Config, d.Digest)
		}
		for _, c := range append(m.Layers, m.Manifests...) {
			walk(c, d.Digest)
		}
	}
	for _, d := range readIndex(t, dir).Manifests {
		walk(d, "index.json")
	}
}

// sbomsOf returns the SBOM entries of the layout dir whose subject is the
// manifest digest.
func sbomsOf(t *testing.T, dir, digest string) []string {
	t.Helper()
	var out []string
	for _, e := range layoutEntries(t, dir) {
		if e["artifactType"] != spdxType {
			continue
		}
		d, _ := e["digest"].(string)
		alg, hx, _ := strings.Cut(d, ":")
		data, err := os.ReadFile(filepath.Join(dir, "blobs", alg, hx))
		if err != nil {
			t.Fatalf("SBOM entry %s: %v", d, err)
		}
		var m struct{ Subject descriptor }
		if err := json.Unmarshal(data, &m); err != nil {
			t.Fatalf("SBOM entry %s: %v", d, err)
		}
		if m.Subject.Digest == digest {
			out = append(out, d)
		}
	}
	return out
}

// TestLayoutConcurrentBuilds runs six leve builds with different tags into
// one layout at once, five times: into a layout no process has created yet,
// then into the same layout, which also holds an untagged image skopeo
// wrote. Each round's images differ from the last, so every run replaces a
// tag and collects the blobs it no longer needs while the others write.
func TestLayoutConcurrentBuilds(t *testing.T) {
	skopeo := needTool(t, "skopeo")
	needTool(t, "umoci")
	needRoot(t)
	env := warmEnv(t)
	hello := filepath.Join(repoRoot, "examples", "hello")
	dir := filepath.Join(t.TempDir(), "layout") // missing: the concurrent runs create it

	// The image skopeo copies in, untagged, after the first round.
	src := filepath.Join(t.TempDir(), "src")
	runLeveOK(t, env, "build", "-o", src, "-t", "foreign:x", "--label", "foreign=yes", "--sbom", "none", hello)
	foreign := findTag(t, src, "x")

	bin := leve(t)
	const builds, rounds = 6, 5
	for round := range rounds {
		var wg sync.WaitGroup
		res := make([]result, builds)
		errs := make([]error, builds)
		for i := range builds {
			wg.Add(1)
			go func() {
				defer wg.Done()
				res[i], errs[i] = execCmd(t.TempDir(), "", env, bin, "build", "-o", dir,
					"-t", fmt.Sprintf("hello:t%d", i), "--label", fmt.Sprintf("build=%d.%d", round, i), hello)
			}()
		}
		wg.Wait()
		want := map[string]string{}
		for i := range builds {
			if errs[i] != nil {
				t.Fatalf("round %d, build t%d: %v", round, i, errs[i])
			}
			if res[i].code != 0 {
				t.Fatalf("round %d, build t%d: %s", round, i, res[i])
			}
			want[fmt.Sprintf("t%d", i)] = parseRef(t, res[i]).digest
		}
		for tag, digest := range want {
			if got := findTag(t, dir, tag); got.Digest != digest {
				t.Errorf("round %d: index.json gives %s for %s, the build printed %s", round, got.Digest, tag, digest)
			}
			if n := len(sbomsOf(t, dir, digest)); n != 1 {
				t.Errorf("round %d: %s has %d SBOM entries, want 1", round, tag, n)
			}
			r := mustRun(t, "", "", nil, skopeo, "inspect", "oci:"+dir+":"+tag)
			var info struct{ Digest string }
			if err := readJSONString(r.stdout, &info); err != nil || info.Digest != digest {
				t.Errorf("round %d: skopeo inspect %s gives digest %q (%v), want %s", round, tag, info.Digest, err, digest)
			}
			bundle := unpack(t, dir, tag)
			if _, err := os.Stat(filepath.Join(bundle, "rootfs", "app", "hello")); err != nil {
				t.Errorf("round %d: umoci unpack %s: %v", round, tag, err)
			}
		}
		checkBlobs(t, dir)
		wantEntries := 2 * builds // an image and an SBOM per tag
		if round > 0 {
			wantEntries++ // and skopeo's image
			if !hasEntry(t, dir, foreign.Digest) {
				t.Fatalf("round %d: the untagged image skopeo wrote (%s) is gone from index.json", round, foreign.Digest)
			}
		}
		if n := len(readIndex(t, dir).Manifests); n != wantEntries {
			t.Errorf("round %d: index.json has %d entries, want %d", round, n, wantEntries)
		}
		if round == 0 {
			mustRun(t, "", "", nil, skopeo, "copy", "oci:"+src+":x", "oci:"+dir)
		}
		if t.Failed() {
			t.FailNow()
		}
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".leve-tmp-") {
			t.Errorf("temporary file %s left in the layout", e.Name())
		}
	}
	if fi, err := os.Stat(filepath.Join(dir, ".leve.lock")); err != nil || fi.Size() != 0 {
		t.Errorf("lock file .leve.lock: %v %v, want it there and empty", fi, err)
	}
}

// hasEntry reports whether the index of the layout dir lists digest.
func hasEntry(t *testing.T, dir, digest string) bool {
	t.Helper()
	for _, d := range readIndex(t, dir).Manifests {
		if d.Digest == digest {
			return true
		}
	}
	return false
}

// TestLayoutRebuildsKeepOneSBOM rebuilds one tag twenty times, every other
// time as a new image: the layout ends with the tag and its one SBOM.
func TestLayoutRebuildsKeepOneSBOM(t *testing.T) {
	env := warmEnv(t)
	hello := filepath.Join(repoRoot, "examples", "hello")
	dir := filepath.Join(t.TempDir(), "layout")
	var last string
	for i := range 20 {
		r := runLeveOK(t, env, "build", "-o", dir, "-t", "hello:app", "--label", fmt.Sprintf("rebuild=%d", i/2), hello)
		last = parseRef(t, r).digest
		if got := sbomsOf(t, dir, last); len(got) != 1 {
			t.Fatalf("rebuild %d: %d SBOM entries for %s, want 1", i, len(got), last)
		}
	}
	var sboms, tags int
	for _, e := range layoutEntries(t, dir) {
		if e["artifactType"] == spdxType {
			sboms++
		}
		if a, _ := e["annotations"].(map[string]any); a[annotationRefName] != nil {
			tags++
		}
	}
	if sboms != 1 || tags != 1 {
		t.Errorf("after 20 rebuilds the layout has %d SBOM entries and %d tags, want 1 and 1", sboms, tags)
	}
	if got := findTag(t, dir, "app"); got.Digest != last {
		t.Errorf("tag app is %s, the last build printed %s", got.Digest, last)
	}
	checkBlobs(t, dir)
}

// TestLayoutRepairsDamagedBlob damages the program's layer in a layout in
// place, keeping its size: the rebuild prints the clean digest and
// rewrites the blob, so umoci unpacks the image and runc runs it.
func TestLayoutRepairsDamagedBlob(t *testing.T) {
	needTool(t, "umoci")
	needTool(t, "runc")
	needRoot(t)
	env := warmEnv(t)
	hello := filepath.Join(repoRoot, "examples", "hello")
	dir := filepath.Join(t.TempDir(), "layout")
	clean := parseRef(t, runLeveOK(t, env, "build", "-o", dir, hello))

	// The largest blob is the program's layer.
	var biggest string
	var size int64
	files, _ := os.ReadDir(filepath.Join(dir, "blobs", "sha256"))
	for _, f := range files {
		if fi, err := f.Info(); err == nil && fi.Size() > size {
			biggest, size = filepath.Join(dir, "blobs", "sha256", f.Name()), fi.Size()
		}
	}
	good, err := os.ReadFile(biggest)
	if err != nil {
		t.Fatal(err)
	}
	bad := bytes.Clone(good)
	for i := len(bad) / 2; i < len(bad)/2+64; i++ {
		bad[i] ^= 0x5a
	}
	if err := os.WriteFile(biggest, bad, 0o644); err != nil {
		t.Fatal(err)
	}

	again := parseRef(t, runLeveOK(t, env, "build", "-o", dir, hello))
	if again.digest != clean.digest {
		t.Errorf("rebuild over a damaged layout printed %s, the clean build %s", again.digest, clean.digest)
	}
	if got, _ := os.ReadFile(biggest); !bytes.Equal(got, good) {
		t.Fatalf("the damaged blob %s was not rewritten", filepath.Base(biggest))
	}
	checkBlobs(t, dir)
	bundle := unpack(t, dir, "latest")
	g := greetings[0]
	if r := runContainer(t, bundle, g.stdin); r.code != 0 || !strings.Contains(r.stdout, g.want) {
		t.Errorf("runc run the repaired image with stdin %q: %s\nwant exit 0 and %q on stdout", g.stdin, r, g.want)
	}
}

// TestLayoutWaitsForLock holds a layout's lock from the test, as another
// leve would: a build into the layout waits for it, and SIGINT ends the
// wait promptly, leaving index.json as it was.
func TestLayoutWaitsForLock(t *testing.T) {
	env := warmEnv(t)
	hello := filepath.Join(repoRoot, "examples", "hello")
	dir := filepath.Join(t.TempDir(), "layout")
	runLeveOK(t, env, "build", "-o", dir, hello)
	before, err := os.ReadFile(filepath.Join(dir, "index.json"))
	if err != nil {
		t.Fatal(err)
	}
	lockPath, err := filepath.EvalSymlinks(filepath.Join(dir, ".leve.lock"))
	if err != nil {
		t.Fatalf("the layout has no lock file: %v", err)
	}
	f, err := os.Open(lockPath)
	if err != nil {
		t.Fatalf("the layout has no lock file: %v", err)
	}
	defer f.Close()
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		t.Fatalf("locking %s: %v", lockPath, err)
	}

	cmd := exec.Command(leve(t), "build", "-o", dir, "--label", "new=1", hello)
	cmd.Dir = t.TempDir()
	cmd.Env = append(os.Environ(), env...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	defer cmd.Process.Kill()

	// leve has the lock file open once it waits for the lock.
	deadline := time.Now().Add(time.Minute)
	for !hasOpen(cmd.Process.Pid, lockPath) {
		select {
		case err := <-done:
			t.Fatalf("leve build finished (%v) while the layout was locked\nstderr:\n%s", err, stderr.String())
		case <-time.After(10 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatalf("leve never opened %s\nstderr:\n%s", lockPath, stderr.String())
		}
	}
	select {
	case err := <-done:
		t.Fatalf("leve build finished (%v) while the layout was locked\nstderr:\n%s", err, stderr.String())
	case <-time.After(time.Second):
	}
	if err := cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	select {
	case err = <-done:
	case <-time.After(10 * time.Second):
		t.Fatalf("leve build still waits 10 s after SIGINT\nstderr:\n%s", stderr.String())
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("leve build took %v to stop after SIGINT while waiting for the lock, want under 2 s", d)
	}
	if err == nil {
		t.Errorf("leve build interrupted while waiting for the lock exited 0\nstderr:\n%s", stderr.String())
	}
	if after, _ := os.ReadFile(filepath.Join(dir, "index.json")); !bytes.Equal(after, before) {
		t.Error("the interrupted build changed index.json")
	}
}

// hasOpen reports whether process pid has the file path open.
func hasOpen(pid int, path string) bool {
	fds, _ := filepath.Glob(fmt.Sprintf("/proc/%d/fd/*", pid))
	for _, fd := range fds {
		if target, err := os.Readlink(fd); err == nil && target == path {
			return true
		}
	}
	return false
}
