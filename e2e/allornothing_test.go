package e2e

import (
	"bytes"
	"errors"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/leve-build/leve/internal/testutil"
)

// prevTarball is examples/hello built once with default flags into a
// tarball; tests copy it and must not modify it.
var prevTarball struct {
	once sync.Once
	path string
	res  result
	err  error
}

// earlierOutputs makes a directory holding what an earlier run wrote: the
// layout out (hello:latest, default flags) and the tarball hello.tar. It
// returns the directory, the layout and the tarball.
func earlierOutputs(t *testing.T) (parent, out, tar string) {
	t.Helper()
	good, _ := helloLayout(t)
	bin := leve(t)
	prevTarball.once.Do(func() {
		prevTarball.path = filepath.Join(workDir, "hello-prev.tar")
		prevTarball.res, prevTarball.err = execCmd(workDir, "", nil, bin, "build", "--tarball", prevTarball.path, filepath.Join(repoRoot, "examples", "hello"))
	})
	if prevTarball.err != nil {
		t.Fatal(prevTarball.err)
	}
	if prevTarball.res.code != 0 {
		t.Fatalf("leve build --tarball: %s", prevTarball.res)
	}
	parent = t.TempDir()
	out, tar = filepath.Join(parent, "out"), filepath.Join(parent, "hello.tar")
	copyTree(t, good, out)
	data, err := os.ReadFile(prevTarball.path)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(tar, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return parent, out, tar
}

// buildArgs is "leve build" of examples/hello into the layout out and the
// tarball tar, pushed to each of pushes.
func buildArgs(out, tar string, pushes ...string) []string {
	args := []string{"build", "-t", "hello:latest", "-o", out, "--tarball", tar, "--insecure"}
	for _, p := range pushes {
		args = append(args, "--push", p)
	}
	return append(args, filepath.Join(repoRoot, "examples", "hello"))
}

// epochs hands out SOURCE_DATE_EPOCH values (newEpoch).
var epochs struct {
	mu   sync.Mutex
	next int64
}

// newEpoch returns a SOURCE_DATE_EPOCH setting that gives examples/hello a
// digest no earlier run made: the failed run would replace the earlier
// outputs with other bytes, so leaving them alone is observable.
func newEpoch() string {
	epochs.mu.Lock()
	defer epochs.mu.Unlock()
	if epochs.next == 0 {
		epochs.next = time.Now().Unix()
	}
	epochs.next++
	return "SOURCE_DATE_EPOCH=" + strconv.FormatInt(epochs.next, 10)
}

// checkNothingWritten checks a failed run: exit 1 (or 130 after SIGINT,
// never 0 or 2), nothing on stdout, one error line that names the cause
// (one of cause) and says that nothing was written and that the layout
// and the tarball are unchanged, and the earlier outputs under parent
// byte for byte as they were.
func checkNothingWritten(t *testing.T, r result, parent, before, out, tar string, cause []string) {
	t.Helper()
	if r.code == 0 || r.code == 2 {
		t.Errorf("failed run: exit %d, want 1 (130 after SIGINT)\n%s", r.code, r)
	}
	if r.stdout != "" {
		t.Errorf("failed run printed %q on stdout, want nothing: no image was delivered", r.stdout)
	}
	checkOneErrorLine(t, r.stderr, cause)
	last := lastLine(r.stderr)
	want := "nothing was written: the layout " + out + " and the tarball " + tar + " are unchanged"
	if !strings.Contains(last, want) {
		t.Errorf("error line %q does not say %q", last, want)
	}
	if after := hashTree(t, parent); after != before {
		t.Errorf("the failed run changed the earlier outputs in %s:\nbefore:\n%s\nafter:\n%s", parent, before, after)
	}
}

// checkReplaced runs the failed command again with dest reachable and
// checks that it replaces the earlier outputs: the failed run would have
// changed them, so their being unchanged meant something.
func checkReplaced(t *testing.T, env []string, parent, before, out, tar string, pushes ...string) {
	t.Helper()
	r := runLeve(t, "", env, buildArgs(out, tar, pushes...)...)
	if r.code != 0 {
		t.Fatalf("the same build with the registry reachable: %s", r)
	}
	ref := parseRef(t, r)
	if d := findTag(t, out, "latest").Digest; d != ref.digest {
		t.Errorf("after the successful run the layout's hello:latest is %s, leve printed %s", d, ref.digest)
	}
	if hashTree(t, parent) == before {
		t.Errorf("the successful run left %s as it was: the earlier outputs already held its image, so the failed run proved nothing", parent)
	}
}

func lastLine(s string) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	return lines[len(lines)-1]
}

// closedAddr returns a loopback host:port nothing listens on.
func closedAddr(t *testing.T) string {
	t.Helper()
	addr, err := testutil.FreeLoopbackAddr()
	if err != nil {
		t.Fatal(err)
	}
	return addr
}

// TestAllOrNothingFailedPush builds with -o, --tarball and a --push that
// fails (a closed port; a registry that answers 500 to everything): exit
// 1, the error line says nothing was written, and the earlier layout and
// tarball hash the same as before. The same run with the registry
// reachable then replaces them.
func TestAllOrNothingFailedPush(t *testing.T) {
	t.Run("closed port", func(t *testing.T) {
		parent, out, tar := earlierOutputs(t)
		before := hashTree(t, parent)
		env := []string{newEpoch()}
		r := runLeve(t, "", env, buildArgs(out, tar, closedAddr(t)+"/allornothing/hello:1")...)
		checkNothingWritten(t, r, parent, before, out, tar, []string{"cannot reach the registry"})
		checkReplaced(t, env, parent, before, out, tar, registryAddr(t)+"/allornothing/closed:1")
	})
	t.Run("500 forever", func(t *testing.T) {
		proxy := newRegistryProxy(t, registryAddr(t))
		parent, out, tar := earlierOutputs(t)
		before := hashTree(t, parent)
		env := []string{newEpoch()}
		dest := proxy.addr + "/allornothing/h500:1"
		proxy.set(0, 1<<30, "", "")
		r := runLeve(t, "", env, buildArgs(out, tar, dest)...)
		proxy.set(0, 0, "", "")
		checkNothingWritten(t, r, parent, before, out, tar, []string{"HTTP 500"})
		checkReplaced(t, env, parent, before, out, tar, dest)
	})
}

// pushedRE matches what the error line says of a push that completed.
var pushedRE = regexp.MustCompile(`pushed (\S+)@(sha256:[0-9a-f]{64})`)

// TestAllOrNothingPushThenFailure pushes to a working registry, then to a
// closed port: the error line names the push that completed, with the
// digest the registry serves, and says the layout and the tarball were not
// written; they hash the same as before.
func TestAllOrNothingPushThenFailure(t *testing.T) {
	reg := registryAddr(t)
	parent, out, tar := earlierOutputs(t)
	before := hashTree(t, parent)
	first := reg + "/allornothing/first:1"
	r := runLeve(t, "", []string{newEpoch()}, buildArgs(out, tar, first, closedAddr(t)+"/allornothing/second:1")...)
	if r.code != 1 {
		t.Errorf("exit %d, want 1\n%s", r.code, r)
	}
	if r.stdout != "" {
		t.Errorf("failed run printed %q on stdout, want nothing", r.stdout)
	}
	checkOneErrorLine(t, r.stderr, []string{"cannot reach the registry"})
	last := lastLine(r.stderr)
	m := pushedRE.FindStringSubmatch(last)
	if m == nil || m[1] != first {
		t.Fatalf("error line %q does not name the completed push to %s as pushed %s@sha256:…", last, first, first)
	}
	if _, served := remoteManifest(t, first); served != m[2] {
		t.Errorf("the error line says %s was pushed as %s; the registry serves %s", first, m[2], served)
	}
	want := "not written: the layout " + out + " and the tarball " + tar + " are unchanged"
	if !strings.Contains(last, want) {
		t.Errorf("error line %q does not say %q", last, want)
	}
	if after := hashTree(t, parent); after != before {
		t.Errorf("the failed run changed the earlier outputs in %s:\nbefore:\n%s\nafter:\n%s", parent, before, after)
	}
}

// slowProxy is a reverse proxy on loopback in front of the private
// registry that forwards blob upload bodies at about 80 KiB/s and closes
// started when the first body bytes pass.
type slowProxy struct {
	addr    string
	started chan struct{}
	once    sync.Once
}

func newSlowProxy(t *testing.T, target string) *slowProxy {
	t.Helper()
	u, err := url.Parse("http://" + target)
	if err != nil {
		t.Fatal(err)
	}
	p := &slowProxy{started: make(chan struct{})}
	rp := httputil.NewSingleHostReverseProxy(u)
	rp.ErrorLog = log.New(io.Discard, "", 0) // leve hanging up on SIGINT is expected
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p.addr = l.Addr().String()
	srv := &http.Server{ErrorLog: log.New(io.Discard, "", 0), Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.Contains(r.URL.Path, "/blobs/uploads/") && (r.Method == http.MethodPatch || r.Method == http.MethodPut) {
			r.Body = &slowBody{ReadCloser: r.Body, p: p}
		}
		rp.ServeHTTP(w, r)
	})}
	go srv.Serve(l)
	t.Cleanup(func() { srv.Close() })
	return p
}

type slowBody struct {
	io.ReadCloser
	p *slowProxy
}

func (b *slowBody) Read(buf []byte) (int, error) {
	if len(buf) > 4<<10 {
		buf = buf[:4<<10]
	}
	n, err := b.ReadCloser.Read(buf)
	if n > 0 {
		b.p.once.Do(func() { close(b.p.started) })
		time.Sleep(50 * time.Millisecond)
	}
	return n, err
}

// TestAllOrNothingInterruptedPush sends SIGINT to a build with -o and
// --tarball while its push crawls through a throttling proxy: leve stops
// with one error line saying it was interrupted and that nothing was
// written, and the earlier layout and tarball hash the same as before.
func TestAllOrNothingInterruptedPush(t *testing.T) {
	bin := leve(t)
	proxy := newSlowProxy(t, registryAddr(t))
	parent, out, tar := earlierOutputs(t)
	before := hashTree(t, parent)
	epoch := newEpoch()
	env := []string{epoch}
	// A repository new to the registry, so that every blob is uploaded.
	repo := "/allornothing/slow-" + strings.TrimPrefix(epoch, "SOURCE_DATE_EPOCH=") + ":1"
	dest := proxy.addr + repo

	cmd := exec.Command(bin, buildArgs(out, tar, dest)...)
	cmd.Dir = t.TempDir()
	cmd.Env = append(os.Environ(), env...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case <-proxy.started:
	case err := <-done:
		t.Fatalf("leve build exited (%v) before its push started\nstderr:\n%s", err, stderr.String())
	case <-time.After(2 * time.Minute):
		cmd.Process.Kill()
		<-done
		t.Fatalf("leve build did not start uploading within 2 minutes\nstderr:\n%s", stderr.String())
	}
	if err := cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	sent := time.Now()
	var err error
	select {
	case err = <-done:
		t.Logf("leve build stopped %v after SIGINT", time.Since(sent).Round(time.Millisecond))
	case <-time.After(30 * time.Second):
		cmd.Process.Kill()
		<-done
		t.Fatalf("leve build did not stop within 30s of SIGINT\nstderr:\n%s", stderr.String())
	}
	r := result{stdout: stdout.String(), stderr: stderr.String()}
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		r.code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	checkNothingWritten(t, r, parent, before, out, tar, []string{"interrupted"})
	if !strings.HasPrefix(lastLine(r.stderr), "leve: interrupted") {
		t.Errorf("error line %q does not start with \"leve: interrupted\"", lastLine(r.stderr))
	}
	checkReplaced(t, env, parent, before, out, tar, registryAddr(t)+repo)
}

// TestAllOrNothingFailedDockerLoad builds with -o, --tarball and --docker
// on a DOCKER_HOST nobody listens on: the load fails, and the earlier
// layout and tarball hash the same as before.
func TestAllOrNothingFailedDockerLoad(t *testing.T) {
	parent, out, tar := earlierOutputs(t)
	before := hashTree(t, parent)
	sock := filepath.Join(t.TempDir(), "no-docker.sock")
	r := runLeve(t, "", []string{newEpoch(), "DOCKER_HOST=unix://" + sock},
		"build", "-t", "hello:latest", "-o", out, "--tarball", tar, "--docker", filepath.Join(repoRoot, "examples", "hello"))
	checkNothingWritten(t, r, parent, before, out, tar, []string{"cannot reach the engine"})
}
