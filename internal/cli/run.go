package cli

import (
	"context"
	"fmt"
	"io"
	"os"
	"regexp"
	"runtime"
	"strings"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/leve-build/leve/pkg/engine"
	"github.com/leve-build/leve/pkg/pipeline"
	"github.com/leve-build/leve/pkg/platform"
	"github.com/leve-build/leve/pkg/pull"
)

// runOptions are the flags of "leve run".
type runOptions struct {
	Engine      string
	Interactive bool
	TTY         bool
	Name        string
	Env         []string
	Remove      bool
	Network     string
	Writable    bool
	Platform    string
}

// exitStatus ends a verb with a status and no message: "leve run"'s
// container status.
type exitStatus int

func (e exitStatus) Error() string   { return "" }
func (e exitStatus) ExitStatus() int { return int(e) }

func newRunCmd() *cobra.Command {
	var o runOptions
	cmd := &cobra.Command{
		Use:   "run [flags] IMAGE [-- ARGS...]",
		Short: "Run an image with Docker, Podman, runc or crun",
		Long: `Run runs IMAGE, any image leve reads (oci:DIR[:TAG], docker-archive:FILE,
FILE.tar, a registry reference), to its end. ARGS replace the image's command.

The engine is the Docker Engine API when DOCKER_HOST or the default socket
answers, else Podman when installed, else runc or crun directly on a bundle
leve makes in a private temporary directory and removes afterwards
(--engine chooses). The root file system is read-only unless --writable,
with a tmpfs on /tmp; processes cannot gain privileges. On runc and crun the
container has Docker's default capabilities, the image's user and no network
unless --network host.

The container's exit status is leve's. leve's own failures exit 125 (leve or
the engine failed), 126 (the command cannot be invoked) or 127 (not found).
SIGINT and SIGTERM do not stop leve: they are forwarded to the container's
process; if it has not exited 10 s later, or on a second signal, leve stops
it and exits 130 or 143.`,
		Example: `  # The seed's docker run -ti, without Docker
  leve build -o out ./examples/hello
  leve run -ti oci:out

  # Piped input, a command of its own, a variable
  echo Maria | leve run -i -e LANG=pt_BR.UTF-8 oci:out -- /app --help`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			rest := args[1:]
			if len(rest) > 0 && rest[0] == "--" {
				rest = rest[1:]
			}
			return runImage(cmd.Context(), o, args[0], rest, cmd.InOrStdin(), cmd.OutOrStdout(), cmd.ErrOrStderr())
		},
	}
	f := cmd.Flags()
	f.SetInterspersed(false)
	f.StringVar(&o.Engine, "engine", "", "docker, podman, runc or crun (default: $LEVE_ENGINE, else the first available, in that order)")
	f.BoolVarP(&o.Interactive, "interactive", "i", false, "keep standard input attached")
	f.BoolVarP(&o.TTY, "tty", "t", false, "give the container a pseudo-terminal")
	f.StringVar(&o.Name, "name", "", "the container's name")
	f.StringArrayVarP(&o.Env, "env", "e", nil, "set KEY=VALUE (or KEY, from leve's environment) in the container; repeatable")
	f.BoolVar(&o.Remove, "rm", false, "remove the container when it exits (runc and crun bundles always are)")
	f.StringVar(&o.Network, "network", "", "none or host (default: none on runc and crun, the engine's default on Docker and Podman)")
	f.BoolVar(&o.Writable, "writable", false, "make the root file system writable")
	f.StringVar(&o.Platform, "platform", "linux/"+runtime.GOARCH, "platform to run of a multi-platform image, linux/ARCH[/VARIANT]")
	return cmd
}

// nameRE is Docker's rule for container names.
var nameRE = regexp.MustCompile(`^[a-zA-Z0-9][a-zA-Z0-9_.-]*$`)

// runImage opens ref and runs it as o says; the error carries the exit
// status.
func runImage(ctx context.Context, o runOptions, ref string, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	if err := engine.ValidNetwork(o.Network); err != nil {
		return usageError{err}
	}
	p, err := platform.Parse(o.Platform)
	if err != nil {
		return usageError{fmt.Errorf("--platform: %w", err)}
	}
	if o.Name != "" && !nameRE.MatchString(o.Name) {
		return usageError{fmt.Errorf("--name %q: want letters, digits and _.- , starting with a letter or digit, as Docker does", o.Name)}
	}
	for _, e := range o.Env {
		if e == "" || strings.HasPrefix(e, "=") {
			return usageError{fmt.Errorf("-e %q: want KEY=VALUE or KEY", e)}
		}
	}
	name := o.Engine
	if name == "" {
		name = os.Getenv("LEVE_ENGINE")
	}
	eng, err := engine.Select(ctx, name)
	if err != nil {
		if _, ok := err.(*engine.Error); ok {
			return err
		}
		return usageError{err}
	}
	src, err := pull.Open(ctx, ref, pull.Options{})
	if err != nil {
		return &engine.Error{Code: engine.ExitEngine, Err: err}
	}
	if src == nil {
		return &engine.Error{Code: engine.ExitEngine, Err: fmt.Errorf("%q is the empty image: there is nothing to run", ref)}
	}
	if src.From != "" {
		// A bare NAME[:TAG] could mean the local store's image or a
		// registry's: say which one runs.
		fmt.Fprintf(stderr, "leve: %s: from %s\n", ref, src.From)
	}
	img, err := src.Image(p.OS, p.Arch, p.Variant)
	if err != nil {
		return &engine.Error{Code: engine.ExitEngine, Err: err}
	}
	sigs := make(chan os.Signal, 4)
	release := TakeSignals(ctx, sigs)
	defer release()
	st, err := eng.Run(ctx, engine.Spec{
		Image: img, Ref: ref, Args: args, Env: o.Env, Name: o.Name,
		Interactive: o.Interactive, TTY: o.TTY, Remove: o.Remove,
		Network: o.Network, Writable: o.Writable,
		Stdin: stdin, Stdout: stdout, Stderr: stderr, Signals: sigs,
	})
	if err != nil {
		return err
	}
	if st.Stopped {
		fmt.Fprintf(stderr, "leve: the container did not exit after the signal; stopped it\n")
	}
	if st.Code == 0 {
		return nil
	}
	return exitStatus(st.Code)
}

// runBuilt runs the image of a build's report: its layout, else its
// tarball; stdin attached, a terminal when stdin and stdout are ones.
func runBuilt(ctx context.Context, outputs []pipeline.Output, tag string, stdin io.Reader, stdout, stderr io.Writer) error {
	ref := ""
	for _, out := range outputs {
		switch {
		case out.Kind == "layout" && ref == "":
			ref = "oci:" + out.Location + ":" + tag
		case out.Kind == "tarball" && ref == "":
			ref = "docker-archive:" + out.Location
		}
	}
	if ref == "" {
		return &engine.Error{Code: engine.ExitEngine, Err: fmt.Errorf("--run needs the image in a layout or a tarball, and this build wrote neither: add -o DIR or --tarball FILE")}
	}
	o := runOptions{Interactive: true, TTY: terminals(stdin, stdout), Remove: true, Platform: "linux/" + runtime.GOARCH}
	return runImage(ctx, o, ref, nil, stdin, stdout, stderr)
}

// terminals reports whether r and w are both terminals.
func terminals(r io.Reader, w io.Writer) bool {
	rf, ok1 := r.(*os.File)
	wf, ok2 := w.(*os.File)
	return ok1 && ok2 && term.IsTerminal(int(rf.Fd())) && term.IsTerminal(int(wf.Fd()))
}
