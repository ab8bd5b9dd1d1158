// Package cli holds leve's cobra commands: one file per verb, each a thin
// layer that validates options, calls one library function and renders the
// result through internal/report.
package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"
)

// Exit codes returned by Execute. They are documented in docs/cli.md.
const (
	ExitOK    = 0 // success
	ExitError = 1 // bad input, a failed build or a failed check
	ExitUsage = 2 // unknown command or flag, wrong number of arguments
	// Stopped by a signal: 128 plus its number (see SignalExit).
	ExitInterrupted = 130 // SIGINT (Ctrl-C)
	ExitTerminated  = 143 // SIGTERM
)

// commands lists the constructors of every verb under the root command.
// Each verb lives in its own file and adds itself here.
var commands = []func() *cobra.Command{
	newAnalyzeCmd,
	newBuildCmd,
	newCacheCmd,
	newDockerfileCmd,
	newImagesCmd,
	newRmiCmd,
	newResolveCmd,
	newRunCmd,
	newPackCmd,
	newSlimCmd,
	newLintCmd,
	newInspectCmd,
	newVersionCmd,
}

// usageError marks errors that come from how leve was called.
type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() }
func (e usageError) Unwrap() error { return e.err }

// NewRoot returns the root "leve" command with every verb attached.
func NewRoot() *cobra.Command {
	root := &cobra.Command{
		Use:   "leve",
		Short: "Build the lightest Linux container image for a Go program, no daemon needed",
		Long: `leve compiles Go source, reads the binary, optimizes it and packages it into a
minimal, reproducible OCI image, then ships it to an OCI layout (the default),
a docker-load tarball, a registry or the Docker daemon. It explains every byte
it ships.

Exit codes: 0 success, 1 error (bad input, failed build or check), 2 usage error,
130 interrupted (SIGINT, Ctrl-C), 143 terminated (SIGTERM). leve stops within
a second of the signal, its child processes with it; a second signal stops it
at once.`,
		SilenceUsage:  true,
		SilenceErrors: true,
		Version:       readVersion().String(),
	}
	root.SetVersionTemplate("{{.Version}}\n")
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return usageError{err} })
	for _, c := range commands {
		root.AddCommand(c())
	}
	return root
}

// Execute runs leve with args and returns the process exit code.
func Execute(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	root := NewRoot()
	root.SetArgs(args)
	root.SetIn(stdin)
	root.SetOut(stdout)
	root.SetErr(stderr)
	stopProfiles := startProfiles(stderr)
	err := flagAdvice(root.ExecuteContext(ctx))
	stopProfiles()
	if err == nil {
		return ExitOK
	}
	// A verb that ends with a status of its own ("leve run" gives its
	// container's) prints only a message it carries.
	var es interface{ ExitStatus() int }
	if errors.As(err, &es) {
		if msg := err.Error(); msg != "" {
			fmt.Fprintf(stderr, "leve: %s\n", msg)
		}
		return es.ExitStatus()
	}
	if ctx.Err() != nil {
		err = fmt.Errorf("interrupted (%v)%s", context.Cause(ctx), outcome(err))
	}
	fmt.Fprintf(stderr, "leve: %v\n", err)
	var ue usageError
	if errors.As(err, &ue) || isCobraUsage(err) {
		return ExitUsage
	}
	return ExitError
}

// isCobraUsage reports whether err is one of cobra's argument errors,
// which it returns as plain errors.
func isCobraUsage(err error) bool {
	msg := err.Error()
	for _, p := range []string{"unknown command", "accepts ", "requires at least", "requires at most", "unknown flag", "unknown shorthand flag", "flag needs an argument"} {
		if strings.Contains(msg, p) {
			return true
		}
	}
	return false
}
