package engine

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"

	"github.com/leve-build/leve/pkg/publish"
)

// Podman runs images with "podman run": the image is written as a
// docker-archive tarball in a private temporary directory, loaded with
// "podman load", and run with leve's flags mapped to podman's.
type Podman struct {
	// Binary is "podman" or a path to it.
	Binary string
	// TempDir holds the tarball while it loads (os.TempDir if empty).
	TempDir string
}

var _ Engine = Podman{}

// Name is "podman".
func (Podman) Name() string { return "podman" }

// Args returns podman run's arguments for spec and the loaded tag.
func (p Podman) Args(spec Spec, tag string) []string {
	a := []string{"run"}
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
	cmd := exec.Command(bin, p.Args(spec, tag)...)
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
			func(s syscall.Signal) { cmd.Process.Signal(s) },
			func() { cmd.Process.Signal(syscall.SIGKILL) })
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
