package e2e

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// cmdTimeout bounds every command a test runs, so a hang fails the test
// instead of the whole package.
const cmdTimeout = 3 * time.Minute

// result is what a finished command left behind.
type result struct {
	stdout, stderr string
	code           int // the exit code; -1 if the command did not exit normally
}

// String describes r for failure messages.
func (r result) String() string {
	return "exit " + strconv.Itoa(r.code) + "\nstdout:\n" + r.stdout + "\nstderr:\n" + r.stderr
}

// inCI reports whether the tests run in CI, where every tool is required.
func inCI() bool { return os.Getenv("CI") == "true" }

// needTool returns the path of tool, or skips the test (fails it in CI) when
// tool is not in PATH.
func needTool(t *testing.T, tool string) string {
	t.Helper()
	p, err := exec.LookPath(tool)
	if err == nil {
		return p
	}
	if inCI() {
		t.Fatalf("%s is required in CI (CI=true) but is not in PATH (apt-get install %s): %v", tool, debianPackage(tool), err)
	}
	t.Skipf("%s is not in PATH (apt-get install %s); set CI=true to fail instead", tool, debianPackage(tool))
	return ""
}

// debianPackage names the Debian package that provides tool.
func debianPackage(tool string) string {
	switch tool {
	case "docker", "dockerd":
		return "docker.io"
	case "qemu-aarch64-static":
		return "qemu-user-static"
	case "busybox":
		return "busybox-static"
	}
	return tool
}

// needRoot skips the test (fails it in CI) unless it runs as root, which
// runc and umoci's ownership-preserving unpack need.
func needRoot(t *testing.T) {
	t.Helper()
	if os.Geteuid() == 0 {
		return
	}
	if inCI() {
		t.Fatal("running containers needs root in CI (CI=true)")
	}
	t.Skip("running containers needs root; set CI=true to fail instead")
}

// leve returns the path of the leve binary, failing the test if it could not
// be built.
func leve(t *testing.T) string {
	t.Helper()
	if leveBuild != nil {
		t.Fatal(leveBuild)
	}
	return leveBin
}

// execCmd runs name with args in dir, with stdin as its input and env added
// to the test's environment. It returns an error only if the command could
// not be started or timed out; a non-zero exit is reported in the result.
func execCmd(dir, stdin string, env []string, name string, args ...string) (result, error) {
	ctx, cancel := context.WithTimeout(context.Background(), cmdTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	cmd.Stdin = strings.NewReader(stdin)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	r := result{stdout: stdout.String(), stderr: stderr.String()}
	var ee *exec.ExitError
	switch {
	case ctx.Err() != nil:
		return r, fmt.Errorf("%s %s: timed out after %v\n%s", name, strings.Join(args, " "), cmdTimeout, r)
	case err == nil:
	case errors.As(err, &ee):
		r.code = ee.ExitCode()
	default:
		return r, fmt.Errorf("%s %s: %w", name, strings.Join(args, " "), err)
	}
	return r, nil
}

// runCmd runs name like execCmd and fails the test if the command cannot be
// started or times out.
func runCmd(t *testing.T, dir, stdin string, env []string, name string, args ...string) result {
	t.Helper()
	r, err := execCmd(dir, stdin, env, name, args...)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// mustRun runs name like runCmd and fails the test unless it exits 0.
func mustRun(t *testing.T, dir, stdin string, env []string, name string, args ...string) result {
	t.Helper()
	r := runCmd(t, dir, stdin, env, name, args...)
	if r.code != 0 {
		t.Fatalf("%s %s: %s", name, strings.Join(args, " "), r)
	}
	return r
}

// runLeve runs "leve args..." in dir (a fresh temporary directory if dir is
// empty, so that no default ./leve-out lands in the repository).
func runLeve(t *testing.T, dir string, env []string, args ...string) result {
	t.Helper()
	bin := leve(t)
	if dir == "" {
		dir = t.TempDir()
	}
	return runCmd(t, dir, "", env, bin, args...)
}

// refRE matches the one line "leve build" prints on stdout without --json:
// NAME:TAG@DIGEST, NAME a registry reference after --push (host:port/repo).
var refRE = regexp.MustCompile(`^([a-z0-9][a-z0-9._/:-]*?):([A-Za-z0-9_][A-Za-z0-9._-]*)@(sha256:[0-9a-f]{64})\n$`)

// imageRef is the reference "leve build" printed on stdout.
type imageRef struct{ name, tag, digest string }

// parseRef parses the stdout of a successful "leve build" without --json,
// which must be exactly one line NAME:TAG@sha256:<64 hex>.
func parseRef(t *testing.T, r result) imageRef {
	t.Helper()
	m := refRE.FindStringSubmatch(r.stdout)
	if m == nil {
		t.Fatalf("leve build stdout = %q, want exactly one line NAME:TAG@sha256:<64 hex>\n%s", r.stdout, r)
	}
	return imageRef{name: m[1], tag: m[2], digest: m[3]}
}
