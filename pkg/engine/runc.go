package engine

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"syscall"
	"time"

	"golang.org/x/term"
)

// Runtime runs an image with an OCI runtime, runc or crun: it extracts the
// image into a bundle in a private temporary directory, writes
// config.json, runs "RUNTIME run --bundle DIR ID" in the foreground with
// the caller's stdio (the runtime allocates the pseudo-terminal, copies I/O
// and follows window size changes) and removes the bundle afterwards.
type Runtime struct {
	// Binary is "runc" or "crun", or a path to one.
	Binary string
	// Extract writes the image into the bundle's rootfs (SafeExtractor if
	// nil).
	Extract Extractor
	// TempDir is where the bundle and runtime state go (os.TempDir if
	// empty).
	TempDir string
}

var _ Engine = Runtime{}

// Name is the runtime's base name.
func (r Runtime) Name() string { return filepath.Base(r.Binary) }

// Prepare makes the bundle of spec in a new directory under r.TempDir and
// returns it and the container id; the caller removes it.
func (r Runtime) Prepare(ctx context.Context, spec Spec) (dir, id string, err error) {
	dir, err = os.MkdirTemp(r.TempDir, "leve-run-")
	if err != nil {
		return "", "", engineErr("making the bundle directory: %w", err)
	}
	defer func() {
		if err != nil {
			os.RemoveAll(dir)
		}
	}()
	if err := os.Chmod(dir, 0o700); err != nil {
		return "", "", engineErr("making the bundle directory private: %w", err)
	}
	id = spec.Name
	if id == "" {
		id = "leve-" + strconv.Itoa(os.Getpid())
	}
	cfg, err := spec.Image.ConfigFile()
	if err != nil {
		return "", "", engineErr("reading %s's config: %w", spec.Ref, err)
	}
	rootfs := filepath.Join(dir, "rootfs")
	x := r.Extract
	if x == nil {
		x = SafeExtractor{}
	}
	if err := x.Extract(ctx, spec.Image, rootfs); err != nil {
		return "", "", engineErr("%s: %w", spec.Ref, err)
	}
	s, err := RuntimeSpec(cfg, spec, rootfs, id)
	if err != nil {
		return "", "", err
	}
	if err := writeSpec(dir, s); err != nil {
		return "", "", engineErr("%w", err)
	}
	return dir, id, nil
}

// Run runs spec to its end and removes its bundle.
func (r Runtime) Run(ctx context.Context, spec Spec) (ExitStatus, error) {
	bin, err := exec.LookPath(r.Binary)
	if err != nil {
		return ExitStatus{}, engineErr("%s is not installed (apt-get install %s): %w", r.Binary, filepath.Base(r.Binary), err)
	}
	if os.Geteuid() != 0 {
		return ExitStatus{}, &Error{Code: ExitEngine, Err: &NeedsRootError{Engine: r.Name()}}
	}
	if spec.TTY {
		if f, ok := spec.Stdin.(*os.File); !ok || !term.IsTerminal(int(f.Fd())) {
			return ExitStatus{}, engineErr("-t needs a terminal on standard input; run without -t, or from a terminal")
		}
	}
	dir, id, err := r.Prepare(ctx, spec)
	if err != nil {
		return ExitStatus{}, err
	}
	defer os.RemoveAll(dir)
	state := filepath.Join(dir, "state")
	cmd := exec.Command(bin, "--root", state, "run", "--bundle", dir, id)
	cmd.Stdout, cmd.Stderr = spec.Stdout, spec.Stderr
	if spec.Interactive {
		cmd.Stdin = spec.Stdin
	}
	ownGroup(cmd, spec.TTY)
	if err := cmd.Start(); err != nil {
		return ExitStatus{}, &Error{Code: ExitCannotRun, Err: fmt.Errorf("starting %s: %w", bin, err)}
	}
	done := make(chan struct{})
	stopped := make(chan syscall.Signal, 1)
	go func() {
		stopped <- forwardSignals(spec.Signals, done,
			func(s syscall.Signal) {
				go signalWhenCaught(runcPid(bin, state, id), s, func(p int) error { return syscall.Kill(p, s) }, done)
			},
			func() {
				exec.Command(bin, "--root", state, "kill", id, "KILL").Run()
				cmd.Process.Signal(syscall.SIGKILL)
			})
	}()
	werr := cmd.Wait()
	close(done)
	// runc run deletes the container it ran; one it was stopped in may
	// be left.
	if s := <-stopped; s != 0 {
		exec.Command(bin, "--root", state, "delete", "--force", id).Run()
		return ExitStatus{Code: 128 + int(s), Stopped: true}, nil
	}
	var ee *exec.ExitError
	if errors.As(werr, &ee) {
		if ws, ok := ee.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
			// A signal ended the runtime itself (leve signals the
			// container's process, not it): the run ends as that
			// signal's, with no container left behind.
			exec.Command(bin, "--root", state, "delete", "--force", id).Run()
			return ExitStatus{Code: 128 + int(ws.Signal())}, nil
		}
		return ExitStatus{Code: ee.ExitCode()}, nil
	}
	if werr != nil && !errors.Is(werr, exec.ErrWaitDelay) {
		return ExitStatus{}, engineErr("running %s: %w", r.Name(), werr)
	}
	return ExitStatus{Code: 0}, nil
}

// runcPid returns a function that gives the host PID of container id's
// process once runc reports it running (its program started), else 0.
func runcPid(bin, state, id string) func() int {
	return func() int {
		out, err := exec.Command(bin, "--root", state, "state", id).Output()
		if err != nil {
			return 0
		}
		var st struct {
			Pid    int    `json:"pid"`
			Status string `json:"status"`
		}
		if json.Unmarshal(out, &st) != nil || st.Status != "running" {
			return 0
		}
		return st.Pid
	}
}

// ownGroup runs cmd in a process group of its own unless tty: then leve
// alone gets the signals of the terminal's process group (Ctrl-C) and
// forwards each once. Stdin that is a terminal is then read by leve and
// piped, since a background process group cannot read it. With a tty the
// runtime must stay in the foreground group to set the terminal's modes;
// Ctrl-C is then a character for the container's own terminal.
func ownGroup(cmd *exec.Cmd, tty bool) {
	if tty {
		return
	}
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if f, ok := cmd.Stdin.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		cmd.Stdin = struct{ io.Reader }{f}
		cmd.WaitDelay = 100 * time.Millisecond
	}
}
