package e2e

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// runImages are the images leve run's tests run, built once.
var runImages struct {
	once       sync.Once
	hello, fix string // oci:DIR references
	err        error
}

// runRefs builds examples/hello and e2e/testdata/runfix into layouts on
// first use and returns their oci: references.
func runRefs(t *testing.T) (hello, fix string) {
	t.Helper()
	bin := leve(t)
	runImages.once.Do(func() {
		dir := filepath.Join(workDir, "run-images")
		for _, b := range []struct{ out, src string }{
			{filepath.Join(dir, "hello"), filepath.Join(repoRoot, "examples", "hello")},
			{filepath.Join(dir, "fix"), filepath.Join(repoRoot, "e2e", "testdata", "runfix")},
		} {
			if err := os.MkdirAll(dir, 0o755); err != nil {
				runImages.err = err
				return
			}
			r, err := execCmd(dir, "", nil, bin, "build", "-o", b.out, b.src)
			if err == nil && r.code != 0 {
				err = fmt.Errorf("leve build %s: %s", b.src, r)
			}
			if err != nil {
				runImages.err = err
				return
			}
		}
		runImages.hello, runImages.fix = "oci:"+filepath.Join(dir, "hello"), "oci:"+filepath.Join(dir, "fix")
	})
	if runImages.err != nil {
		t.Fatal(runImages.err)
	}
	return runImages.hello, runImages.fix
}

// needRunc returns runc's path; running containers needs root.
func needRunc(t *testing.T) {
	t.Helper()
	needTool(t, "runc")
	needRoot(t)
}

// The seed's "docker run -ti", without Docker: a person types a name at
// the prompt of the hello image on a real terminal.
func TestRunTTYGreetsRunc(t *testing.T) {
	needRunc(t)
	hello, _ := runRefs(t)
	s := startScreen(t, t.TempDir(), nil, fmt.Sprintf("%s run -ti --engine runc %s; c=$?; stty -a | tr ' ;' '\n\n' | grep -x -- '-*icanon' | sed 's/^/TTY:/'; exit $c\n", leve(t), hello))
	text, code := s.answer("Qual é o seu nome:?", "Maria", time.Minute)
	if code != 0 || !strings.Contains(text, "Oi, Maria! Eu sou a linguagem Go!") || !strings.Contains(text, "TTY:icanon") {
		t.Fatalf("exit %d, want 0, the greeting and the terminal restored (TTY:icanon); the screen shows:\n%s", code, text)
	}
}

func TestRunTTYGreetsDocker(t *testing.T) {
	env := dockerEnv(t)
	hello, _ := runRefs(t)
	s := startScreen(t, t.TempDir(), env, fmt.Sprintf("%s run -ti --rm --engine docker --network none %s; c=$?; stty -a | tr ' ;' '\n\n' | grep -x -- '-*icanon' | sed 's/^/TTY:/'; exit $c\n", leve(t), hello))
	text, code := s.answer("Qual é o seu nome:?", "João", time.Minute)
	if code != 0 || !strings.Contains(text, "Oi, João! Eu sou a linguagem Go!") || !strings.Contains(text, "TTY:icanon") {
		t.Fatalf("exit %d, want 0, the greeting and the terminal restored (TTY:icanon); the screen shows:\n%s", code, text)
	}
}

var sizeRE = regexp.MustCompile(`size (\d+)x(\d+)`)

// testResize runs the winsize fixture on a terminal, resizes the terminal
// and waits for the program to print its new size.
func testResize(t *testing.T, env []string, flags string) {
	_, fix := runRefs(t)
	s := startScreen(t, t.TempDir(), env, fmt.Sprintf("%s run -ti %s %s -- winsize\n", leve(t), flags, fix))
	// On Docker's API 1.41 the size is set once the container runs, so
	// the program may first see 0x0, then the window's size on SIGWINCH.
	waitScreen(t, s, func(text string) bool {
		for _, m := range sizeRE.FindAllStringSubmatch(text, -1) {
			if m[2] == "200" {
				return true
			}
		}
		return false
	})
	if out, err := exec.Command(s.tmux, "-S", s.sock, "resize-window", "-x", "120", "-y", "30").CombinedOutput(); err != nil {
		t.Fatalf("tmux resize-window: %v\n%s", err, out)
	}
	text := waitScreen(t, s, func(text string) bool {
		all := sizeRE.FindAllStringSubmatch(text, -1)
		return len(all) >= 2 && all[len(all)-1][2] == "120"
	})
	s.typeLine("")
	text, code := s.answer("never shown", "", time.Minute)
	if code != 0 || !strings.Contains(text, "bye") {
		t.Fatalf("exit %d, want 0 after bye; the screen shows:\n%s", code, text)
	}
}

// waitScreen waits up to a minute for done to hold on the screen's text.
func waitScreen(t *testing.T, s *screen, done func(string) bool) string {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for {
		text := s.text()
		if done(text) {
			return text
		}
		if _, ended := s.exitCode(text); ended || time.Now().After(deadline) {
			t.Fatalf("the screen shows:\n%s", text)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func TestRunResizeRunc(t *testing.T) {
	needRunc(t)
	testResize(t, nil, "--engine runc")
}

func TestRunResizeDocker(t *testing.T) {
	testResize(t, dockerEnv(t), "--rm --engine docker --network none")
}

func TestRunExitCodesRunc(t *testing.T) {
	needRunc(t)
	_, fix := runRefs(t)
	for _, want := range []int{0, 3, 42} {
		r := runLeve(t, "", nil, "run", "--engine", "runc", fix, "--", "exit", fmt.Sprint(want))
		if r.code != want {
			t.Errorf("exit %d: leve run exited %s", want, r)
		}
	}
}

func TestRunPipedStdinRunc(t *testing.T) {
	needRunc(t)
	hello, fix := runRefs(t)
	r := runCmd(t, t.TempDir(), "Maria Silva\n", nil, leve(t), "run", "-i", "--engine", "runc", hello)
	if r.code != 0 || !strings.Contains(r.stdout, "Oi, Maria Silva! Eu sou a linguagem Go!") {
		t.Fatalf("hello with piped stdin: %s", r)
	}
	r = runCmd(t, t.TempDir(), "one\ntwo\n", nil, leve(t), "run", "-i", "--engine", "runc", fix, "--", "cat")
	if r.code != 0 || r.stdout != "one\ntwo\n" {
		t.Fatalf("cat: %s", r)
	}
	// Without -i the container reads nothing.
	r = runCmd(t, t.TempDir(), "Maria\n", nil, leve(t), "run", "--engine", "runc", fix, "--", "cat")
	if r.code != 0 || r.stdout != "" {
		t.Fatalf("cat without -i: %s", r)
	}
}

// output is what a program printed after "ready", complete once it ended.
type output struct {
	done   chan struct{}
	text   strings.Builder
	stderr *strings.Builder // leve's stderr, complete once it exited
}

// String waits for the end of the output and returns it.
func (o *output) String() string {
	select {
	case <-o.done:
	case <-time.After(10 * time.Second):
	}
	return o.text.String()
}

// startRun starts leve run with stdout on a pipe and waits for the line
// "ready".
func startRun(t *testing.T, env []string, args ...string) (*exec.Cmd, *output) {
	t.Helper()
	cmd := exec.Command(leve(t), args...)
	cmd.Env = append(os.Environ(), env...)
	cmd.Dir = t.TempDir()
	var stderr strings.Builder
	cmd.Stderr = &stderr
	pr, pw, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stdout = pw
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	pw.Close()
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait(); pr.Close() })
	lines := bufio.NewScanner(pr)
	ready := make(chan bool, 1)
	rest := &output{done: make(chan struct{}), stderr: &stderr}
	go func() {
		defer close(rest.done)
		ok := false
		for lines.Scan() {
			if !ok && lines.Text() == "ready" {
				ok = true
				ready <- true
				continue
			}
			rest.text.WriteString(lines.Text() + "\n")
		}
		if !ok {
			ready <- false
		}
	}()
	select {
	case ok := <-ready:
		if !ok {
			cmd.Wait()
			t.Fatalf("leve run ended before the program was ready: %s", stderr.String())
		}
	case <-time.After(time.Minute):
		t.Fatalf("the program was not ready after a minute: %s", stderr.String())
	}
	return cmd, rest
}

func exitOf(t *testing.T, cmd *exec.Cmd, within time.Duration) int {
	t.Helper()
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case <-done:
		return cmd.ProcessState.ExitCode()
	case <-time.After(within):
		t.Fatalf("leve run still running %v after the signal", within)
		return -1
	}
}

// A SIGTERM in the first moments of a runc run, as leve starts, while the
// image is extracted, as runc starts or as the program does, is not lost:
// the run ends at once, as the signal's (143) or the program's (2: the Go
// runtime's default before the program's handler; 42: the handler's),
// never as leve's own failure, and leaves no container process behind.
func TestRunSignalEarlyRunc(t *testing.T) {
	needRunc(t)
	_, fix := runRefs(t)
	for _, after := range []time.Duration{0, 20, 40, 60, 90} {
		cmd := exec.Command(leve(t), "run", "--engine", "runc", fix, "--", "signal")
		out := &syncBuffer{}
		cmd.Stdout, cmd.Stderr = out, out
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { cmd.Process.Kill() })
		time.Sleep(after * time.Millisecond)
		cmd.Process.Signal(syscall.SIGTERM)
		sent := time.Now()
		code := exitOf(t, cmd, 30*time.Second)
		if d := time.Since(sent); d > 5*time.Second {
			t.Errorf("SIGTERM %v ms after the start: the run took %v to end, so the signal was lost and leve stopped the container\n%s", int(after), d, out.String())
		}
		if ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); ok && ws.Signaled() && ws.Signal() == syscall.SIGTERM {
			code = 143 // before leve's own handler: the shell's status for it
		}
		switch code {
		case 2, 42, 143:
		default:
			t.Errorf("SIGTERM %v ms after the start: exit %d, want 143, 2 or 42\n%s", int(after), code, out.String())
		}
		until(t, func() bool { return !processRunning("runfix") })
	}
}

// processRunning reports whether a process has word in its command line.
func processRunning(word string) bool {
	lines, _ := filepath.Glob("/proc/[0-9]*/cmdline")
	for _, f := range lines {
		b, err := os.ReadFile(f)
		if err == nil && strings.Contains(string(b), word) {
			return true
		}
	}
	return false
}

// SIGTERM sent to leve reaches the container's process, whose status is
// leve's; a second one stops a container that ignores it, at once.
func TestRunSignalsRunc(t *testing.T) {
	needRunc(t)
	hello, fix := runRefs(t)
	cmd, out := startRun(t, nil, "run", "--engine", "runc", fix, "--", "signal")
	cmd.Process.Signal(syscall.SIGTERM)
	if code := exitOf(t, cmd, 5*time.Second); code != 42 {
		t.Errorf("signal fixture: exit %d, want its 42", code)
	}
	if !strings.Contains(out.String(), "got SIGTERM") {
		t.Errorf("the fixture printed %q, want got SIGTERM", out.String())
	}

	cmd, out = startRun(t, nil, "run", "--engine", "runc", fix, "--", "ignore")
	cmd.Process.Signal(syscall.SIGTERM)
	time.Sleep(300 * time.Millisecond)
	start := time.Now()
	cmd.Process.Signal(syscall.SIGTERM)
	if code := exitOf(t, cmd, 5*time.Second); code != 143 {
		t.Errorf("ignoring fixture after two SIGTERMs: exit %d, want 143", code)
	}
	if d := time.Since(start); d > 3*time.Second {
		t.Errorf("the second SIGTERM took %v to stop the container", d)
	}
	if !strings.Contains(out.stderr.String(), "did not exit after the signal; stopped it") {
		t.Errorf("stderr %q does not say leve stopped the container", out.stderr.String())
	}

	// The hello program has no handler: as PID 1, the Go runtime exits 2
	// on SIGTERM. leve reports that status.
	cmd = exec.Command(leve(t), "run", "-i", "--engine", "runc", hello)
	in, _ := cmd.StdinPipe()
	defer in.Close()
	stdout, _ := cmd.StdoutPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	if line, err := bufio.NewReader(stdout).ReadString('\n'); err != nil || !strings.Contains(line, "Qual") {
		t.Fatalf("hello: %q, %v", line, err)
	}
	cmd.Process.Signal(syscall.SIGTERM)
	if code := exitOf(t, cmd, 5*time.Second); code != 2 {
		t.Errorf("hello after SIGTERM: exit %d, want the Go runtime's 2", code)
	}
}

// A container that ignores the one signal is stopped StopAfter (10 s)
// later, and leve exits 143.
func TestRunSignalTimeoutRunc(t *testing.T) {
	needRunc(t)
	_, fix := runRefs(t)
	cmd, _ := startRun(t, nil, "run", "--engine", "runc", fix, "--", "ignore")
	start := time.Now()
	cmd.Process.Signal(syscall.SIGTERM)
	code := exitOf(t, cmd, 20*time.Second)
	if d := time.Since(start); code != 143 || d < 9*time.Second || d > 15*time.Second {
		t.Errorf("after one SIGTERM: exit %d after %v, want 143 after about 10 s", code, d)
	}
}

// The bundle lives in a private temporary directory, removed after the
// run, --rm or not.
func TestRunRemovesBundleRunc(t *testing.T) {
	needRunc(t)
	_, fix := runRefs(t)
	for _, rm := range []bool{false, true} {
		tmp := t.TempDir()
		args := []string{"run", "--engine", "runc", "--name", "leve-rm-test", fix, "--", "exit", "3"}
		if rm {
			args = append([]string{"run", "--rm"}, args[1:]...)
		}
		r := runLeve(t, "", []string{"TMPDIR=" + tmp}, args...)
		if r.code != 3 {
			t.Fatalf("--rm=%v: %s", rm, r)
		}
		left, _ := os.ReadDir(tmp)
		if len(left) != 0 {
			t.Errorf("--rm=%v: %s holds %d entries after the run, want none", rm, tmp, len(left))
		}
	}
	// The name is free again: a second run with it works.
	r := runLeve(t, "", nil, "run", "--rm", "--engine", "runc", "--name", "leve-rm-test", fix, "--", "exit", "0")
	if r.code != 0 {
		t.Fatalf("second run with the same name: %s", r)
	}
}

func TestRunReadOnlyRootfsRunc(t *testing.T) {
	needRunc(t)
	_, fix := runRefs(t)
	r := runLeve(t, "", nil, "run", "--engine", "runc", fix, "--", "write", "/x")
	if r.code != 3 || !strings.Contains(r.stdout, "read-only file system") {
		t.Errorf("write /x: %s; want exit 3, read-only file system", r)
	}
	r = runLeve(t, "", nil, "run", "--engine", "runc", fix, "--", "write", "/tmp/x")
	if r.code != 0 || !strings.Contains(r.stdout, "wrote /tmp/x") {
		t.Errorf("write /tmp/x (a tmpfs): %s", r)
	}
	// --writable lifts read-only: the nonroot user still cannot write /,
	// but the error is no longer the file system's.
	r = runLeve(t, "", nil, "run", "--writable", "--engine", "runc", fix, "--", "write", "/x")
	if r.code != 3 || !strings.Contains(r.stdout, "permission denied") {
		t.Errorf("--writable write /x: %s; want permission denied", r)
	}
	r = runLeve(t, "", nil, "run", "--engine", "runc", "-e", "GREETING=oi", fix, "--", "env", "GREETING")
	if r.code != 0 || r.stdout != "oi\n" {
		t.Errorf("-e GREETING=oi: %s", r)
	}
	r = runLeve(t, "", nil, "run", "--engine", "runc", fix, "--", "id")
	if r.code != 0 || r.stdout != "uid=65532 gid=65532\n" {
		t.Errorf("id: %s; want the image's nonroot user", r)
	}
}

// With no engine on PATH and no Docker socket, leve run says how to
// install one, in one line, and exits 125.
func TestRunNoEngine(t *testing.T) {
	hello, _ := runRefs(t)
	empty := t.TempDir()
	r := runLeve(t, "", []string{"PATH=" + empty, "DOCKER_HOST=unix://" + filepath.Join(empty, "none.sock")}, "run", hello)
	if r.code != 125 || strings.Count(strings.TrimSpace(r.stderr), "\n") != 0 ||
		!strings.Contains(r.stderr, "apt-get install runc") || !strings.Contains(r.stderr, "docker.io") || !strings.Contains(r.stderr, "podman") {
		t.Fatalf("%s\nwant exit 125 and one line naming apt-get install runc, docker.io, podman", r)
	}
}

func TestRunPodman(t *testing.T) {
	env := podmanEnv(t)
	hello, fix := runRefs(t)
	r := runCmd(t, t.TempDir(), "Maria\n", env, leve(t), "run", "-i", "--rm", "--engine", "podman", "--network", "none", hello)
	if r.code != 0 || !strings.Contains(r.stdout, "Oi, Maria! Eu sou a linguagem Go!") {
		t.Fatalf("podman: %s", r)
	}
	r = runCmd(t, t.TempDir(), "", env, leve(t), "run", "--rm", "--engine", "podman", "--network", "none", fix, "--", "exit", "42")
	if r.code != 42 {
		t.Fatalf("podman exit 42: %s", r)
	}
	r = runCmd(t, t.TempDir(), "", env, leve(t), "run", "--rm", "--engine", "podman", "--network", "none", fix, "--", "write", "/x")
	if r.code != 3 || !strings.Contains(r.stdout, "read-only file system") {
		t.Fatalf("podman write /x: %s", r)
	}
}

// On the Docker path: piped stdin through the multiplexed stream, exit
// codes, --name and --rm, and the read-only root file system.
func TestRunDocker(t *testing.T) {
	env := dockerEnv(t)
	hello, fix := runRefs(t)
	r := runCmd(t, t.TempDir(), "Maria\n", env, leve(t), "run", "-i", "--rm", "--engine", "docker", "--network", "none", hello)
	if r.code != 0 || !strings.Contains(r.stdout, "Oi, Maria! Eu sou a linguagem Go!") {
		t.Fatalf("docker, piped stdin: %s", r)
	}
	r = runCmd(t, t.TempDir(), "", env, leve(t), "run", "--rm", "--name", "leve-run-42", "--engine", "docker", "--network", "none", fix, "--", "exit", "42")
	if r.code != 42 {
		t.Fatalf("docker exit 42: %s", r)
	}
	ps := mustRun(t, "", "", env, "/usr/bin/docker", "ps", "-a", "--filter", "name=leve-run-42", "--format", "{{.Names}}")
	if strings.TrimSpace(ps.stdout) != "" {
		t.Errorf("--rm left the container: %q", ps.stdout)
	}
	r = runCmd(t, t.TempDir(), "", env, leve(t), "run", "--rm", "--engine", "docker", "--network", "none", fix, "--", "write", "/x")
	if r.code != 3 || !strings.Contains(r.stdout, "read-only file system") {
		t.Fatalf("docker write /x: %s", r)
	}
	cmd, out := startRun(t, env, "run", "--rm", "--engine", "docker", "--network", "none", fix, "--", "signal")
	cmd.Process.Signal(syscall.SIGTERM)
	if code := exitOf(t, cmd, 10*time.Second); code != 42 || !strings.Contains(out.String(), "got SIGTERM") {
		t.Errorf("docker signal fixture: exit %d, printed %q; want 42 and got SIGTERM", code, out.String())
	}
}

// build --run runs the image it built, stdin attached: the seed's build
// then run in one command.
func TestBuildRunRunc(t *testing.T) {
	needRunc(t)
	dir := t.TempDir()
	r := runCmd(t, dir, "Ana\n", []string{"LEVE_ENGINE=runc"}, leve(t), "build", "--run", "-o", filepath.Join(dir, "out"), filepath.Join(repoRoot, "examples", "hello"))
	if r.code != 0 || !strings.Contains(r.stdout, "Oi, Ana! Eu sou a linguagem Go!") || !strings.HasPrefix(r.stdout, "hello:latest@sha256:") {
		t.Fatalf("build --run: %s", r)
	}
}

// Podman gets SIGTERM through leve once and passes the program's status.
func TestRunPodmanSignal(t *testing.T) {
	env := podmanEnv(t)
	_, fix := runRefs(t)
	cmd, out := startRun(t, env, "run", "--rm", "--engine", "podman", "--network", "none", fix, "--", "signal")
	cmd.Process.Signal(syscall.SIGTERM)
	if code := exitOf(t, cmd, 10*time.Second); code != 42 || !strings.Contains(out.String(), "got SIGTERM") {
		t.Errorf("podman signal fixture: exit %d, printed %q; want 42 and got SIGTERM\n%s", code, out.String(), out.stderr.String())
	}
}

// A SIGTERM at any moment of a podman run, while the image loads, as
// the container is created or once it runs, is not lost: it ends the
// container and leve with it at once: the program's own status when its handler ran (42), the Go
// runtime's before it (2), else the signal's (143), and no container is
// left behind.
func TestRunPodmanSignalAnyTime(t *testing.T) {
	env := podmanEnv(t)
	removeContainers(t, env)
	_, fix := runRefs(t)
	for i, when := range []string{"loading", "created", "ready"} {
		name := fmt.Sprintf("leve-signal-%d", i)
		cmd := exec.Command(leve(t), "run", "--rm", "--engine", "podman", "--name", name, "--network", "none", fix, "--", "signal")
		cmd.Env = append(os.Environ(), env...)
		out := &syncBuffer{}
		cmd.Stdout, cmd.Stderr = out, out
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { cmd.Process.Kill() })
		switch when {
		case "loading":
			time.Sleep(200 * time.Millisecond)
		case "created":
			until(t, func() bool { return podmanOut(t, env, "ps", "-a", "-q", "--filter", "name="+name) != "" })
		case "ready":
			until(t, func() bool { return strings.Contains(out.String(), "ready") })
		}
		cmd.Process.Signal(syscall.SIGTERM)
		sent := time.Now()
		code := exitOf(t, cmd, 30*time.Second)
		if d := time.Since(sent); d > 5*time.Second {
			t.Errorf("SIGTERM when %s: the run took %v to end, so the signal was lost and leve stopped the container", when, d)
		}
		if !(code == 42 && strings.Contains(out.String(), "got SIGTERM")) && code != 143 && code != 2 {
			t.Errorf("SIGTERM when %s: exit %d, want 42 with got SIGTERM, 2 or 143\n%s", when, code, out.String())
		}
		until(t, func() bool { return podmanOut(t, env, "ps", "-a", "-q") == "" })
	}
}

// A second SIGTERM stops a podman container that ignores the first, at
// once, and removes it (--rm).
func TestRunPodmanStop(t *testing.T) {
	env := podmanEnv(t)
	removeContainers(t, env)
	_, fix := runRefs(t)
	cmd, out := startRun(t, env, "run", "--rm", "--engine", "podman", "--network", "none", fix, "--", "ignore")
	cmd.Process.Signal(syscall.SIGTERM)
	time.Sleep(300 * time.Millisecond)
	start := time.Now()
	cmd.Process.Signal(syscall.SIGTERM)
	if code := exitOf(t, cmd, 10*time.Second); code != 143 {
		t.Errorf("ignoring fixture after two SIGTERMs: exit %d, want 143\n%s", code, out.stderr.String())
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("the second SIGTERM took %v to stop the container", d)
	}
	until(t, func() bool { return podmanOut(t, env, "ps", "-a", "-q") == "" })
}

// podmanOut runs podman with args in the storage of env and returns its
// output, trimmed.
func podmanOut(t *testing.T, env []string, args ...string) string {
	t.Helper()
	cmd := exec.Command("podman", args...)
	cmd.Env = append(os.Environ(), env...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("podman %v: %v\n%s", args, err, out)
	}
	return strings.TrimSpace(string(out))
}

// removeContainers removes, when the test ends, every container left in
// the podman storage of env, so that a failure leaves no process behind.
func removeContainers(t *testing.T, env []string) {
	t.Cleanup(func() {
		rm := exec.Command("podman", "rm", "-f", "-a")
		rm.Env = append(os.Environ(), env...)
		rm.Run()
	})
}

// until polls cond for up to 30 seconds.
func until(t *testing.T, cond func() bool) {
	t.Helper()
	if err := waitFor(30*time.Second, nil, cond); err != nil {
		t.Fatalf("waiting: %v", err)
	}
}

// syncBuffer is output that one goroutine writes while another reads it.
type syncBuffer struct {
	mu  sync.Mutex
	buf strings.Builder
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// Ctrl-C at a terminal, without -t, reaches the container's process
// through leve (the runtime is not in the terminal's process group), and
// the program's status is leve's. (Had runc got it too, the kernel would
// merge the two pending SIGINTs in runc: the count cannot tell.)
func TestRunCtrlCRunc(t *testing.T) {
	needRunc(t)
	_, fix := runRefs(t)
	s := startScreen(t, t.TempDir(), nil, fmt.Sprintf("%s run --engine runc %s -- count\n", leve(t), fix))
	waitScreen(t, s, func(text string) bool { return strings.Contains(text, "ready") })
	if out, err := exec.Command(s.tmux, "-S", s.sock, "send-keys", "C-c").CombinedOutput(); err != nil {
		t.Fatalf("tmux send-keys C-c: %v\n%s", err, out)
	}
	text, code := s.answer("never shown", "", time.Minute)
	if code != 42 || !strings.Contains(text, "got 1 signals") {
		t.Fatalf("exit %d, want 42 and one signal; the screen shows:\n%s", code, text)
	}
}

// With -t, Ctrl-C is a character for the container's terminal, which
// sends the program SIGINT; leve itself goes on.
func TestRunTTYCtrlCRunc(t *testing.T) {
	needRunc(t)
	_, fix := runRefs(t)
	s := startScreen(t, t.TempDir(), nil, fmt.Sprintf("%s run -ti --engine runc %s -- count\n", leve(t), fix))
	waitScreen(t, s, func(text string) bool { return strings.Contains(text, "ready") })
	if out, err := exec.Command(s.tmux, "-S", s.sock, "send-keys", "C-c").CombinedOutput(); err != nil {
		t.Fatalf("tmux send-keys C-c: %v\n%s", err, out)
	}
	text, code := s.answer("never shown", "", time.Minute)
	if code != 42 || !strings.Contains(text, "got 1 signals") {
		t.Fatalf("exit %d, want 42 and one signal; the screen shows:\n%s", code, text)
	}
}
