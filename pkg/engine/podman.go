package engine

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/leve-build/leve/pkg/publish"
)

// Podman runs images with "podman run": the image is written as a
// docker-archive tarball in a private temporary directory, loaded with
// "podman load", and run with leve's flags mapped to podman's. Signals go
// to the container's process once it catches them (signalWhenCaught), by
// the ID podman writes to a cidfile, rather than through podman's own
// proxy, which a signal that comes before podman has set it up would end,
// leaving the container running.
type Podman struct {
	// Binary is "podman" or a path to it.
	Binary string
	// TempDir holds the tarball while it loads (os.TempDir if empty).
	TempDir string
}

var _ Engine = Podman{}

// Name is "podman".
func (Podman) Name() string { return "podman" }

// Args returns podman run's arguments for spec, the loaded tag and the
// file podman is to write the container's ID to.
func (p Podman) Args(spec Spec, tag, cidFile string) []string {
	a := []string{"run", "--sig-proxy=false", "--cidfile", cidFile}
	if spec.Interactive {
		a = append(a, "-i")
	}
	if spec.TTY {
		a = append(a, "-t")
	}
	if spec.Remove {
		a = append(a, "--rm")
	}
	if spec.Name != "" {
		a = append(a, "--name", spec.Name)
	}
	for _, e := range spec.Env {
		a = append(a, "-e", e)
	}
	if spec.Network != "" {
		a = append(a, "--network", spec.Network)
	}
	if !spec.Writable {
		a = append(a, "--read-only")
	}
	a = append(a, "--tmpfs", "/tmp", "--security-opt", "no-new-privileges", tag)
	return append(a, spec.Args...)
}

// Run loads and runs spec's image.
func (p Podman) Run(ctx context.Context, spec Spec) (ExitStatus, error) {
	bin, err := exec.LookPath(p.binary())
	if err != nil {
		return ExitStatus{}, engineErr("podman is not installed (apt-get install podman): %w", err)
	}
	dir, err := os.MkdirTemp(p.TempDir, "leve-podman-")
	if err != nil {
		return ExitStatus{}, engineErr("making a temporary directory: %w", err)
	}
	defer os.RemoveAll(dir)
	cfg, err := spec.Image.ConfigName()
	if err != nil {
		return ExitStatus{}, engineErr("reading %s: %w", spec.Ref, err)
	}
	ref := publish.Ref{Name: "localhost/leve-run", Tag: cfg.Hex[:12]}
	tag := ref.Name + ":" + ref.Tag
	tar := filepath.Join(dir, "image.tar")
	if _, err := (publish.Tarball{Path: tar}).Publish(ctx, spec.Image, ref); err != nil {
		return ExitStatus{}, engineErr("%s: writing the tarball for podman: %w", spec.Ref, err)
	}
	if out, err := exec.CommandContext(ctx, bin, "load", "-q", "-i", tar).CombinedOutput(); err != nil {
		return ExitStatus{}, engineErr("podman load: %v: %s", err, firstLine(out))
	}
	cidFile := filepath.Join(dir, "cid")
	cmd := exec.Command(bin, p.Args(spec, tag, cidFile)...)
	cmd.Stdout, cmd.Stderr = spec.Stdout, spec.Stderr
	if spec.Interactive {
		cmd.Stdin = spec.Stdin
	}
	ownGroup(cmd, spec.TTY)
	if err := cmd.Start(); err != nil {
		return ExitStatus{}, &Error{Code: ExitCannotRun, Err: fmt.Errorf("starting podman: %w", err)}
	}
	done := make(chan struct{})
	stopped := make(chan syscall.Signal, 1)
	go func() {
		stopped <- forwardSignals(spec.Signals, done,
			func(s syscall.Signal) {
				send := func(pid int) error {
					if syscall.Kill(pid, s) != nil { // not allowed to signal it: podman is
						killContainer(bin, cidFile, s, done, time.Time{})
					}
					return nil
				}
				go signalWhenCaught(podmanPid(bin, cidFile), s, send, done)
			},
			func() {
				// Kill the container, then podman, which may not
				// have created it yet.
				killContainer(bin, cidFile, syscall.SIGKILL, done, time.Now().Add(killGiveUp))
				cmd.Process.Signal(syscall.SIGKILL)
			})
	}()
	werr := cmd.Wait()
	close(done)
	if s := <-stopped; s != 0 {
		return ExitStatus{Code: 128 + int(s), Stopped: true}, nil
	}
	var ee *exec.ExitError
	if errors.As(werr, &ee) {
		return ExitStatus{Code: ee.ExitCode()}, nil
	}
	if werr != nil && !errors.Is(werr, exec.ErrWaitDelay) {
		return ExitStatus{}, engineErr("running podman: %w", werr)
	}
	return ExitStatus{}, nil
}

// killRetry is how long killContainer waits before it tries again, and
// killGiveUp how long it goes on trying to stop a container.
const (
	killRetry  = 50 * time.Millisecond
	killGiveUp = 2 * time.Second
)

// killContainer sends s to the container whose ID podman writes to
// cidFile, with "podman kill": once podman has created it, trying again
// while the container is not running yet, until done is closed or, unless
// it is zero, the deadline.
func killContainer(bin, cidFile string, s syscall.Signal, done <-chan struct{}, deadline time.Time) {
	for deadline.IsZero() || time.Now().Before(deadline) {
		if id := readCID(cidFile); id != "" {
			kill := exec.Command(bin, "kill", "--signal", strconv.Itoa(int(s)), id)
			if kill.Run() == nil {
				return
			}
		}
		select {
		case <-done:
			return
		case <-time.After(killRetry):
		}
	}
}

// podmanPid returns a function that gives the host PID of the process of
// the container whose ID podman writes to cidFile once it runs, else 0.
func podmanPid(bin, cidFile string) func() int {
	return func() int {
		id := readCID(cidFile)
		if id == "" {
			return 0
		}
		out, err := exec.Command(bin, "inspect", "--format", "{{.State.Status}} {{.State.Pid}}", id).Output()
		if f := strings.Fields(string(out)); err == nil && len(f) == 2 && f[0] == "running" {
			pid, _ := strconv.Atoi(f[1])
			return pid
		}
		return 0
	}
}

// readCID returns the container ID podman wrote to cidFile, or "" while
// there is none whole.
func readCID(cidFile string) string {
	b, err := os.ReadFile(cidFile)
	if id := strings.TrimSpace(string(b)); err == nil && len(id) == 64 {
		return id
	}
	return ""
}

func (p Podman) binary() string {
	if p.Binary != "" {
		return p.Binary
	}
	return "podman"
}

func firstLine(b []byte) string {
	for i, c := range b {
		if c == '\n' {
			return string(b[:i])
		}
	}
	return string(b)
}
