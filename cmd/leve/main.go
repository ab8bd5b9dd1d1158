// Command leve turns Go source into the lightest Linux container image that
// still runs correctly, without a Docker daemon. See "leve --help".
package main

import (
	"context"
	"os"

	"github.com/leve-build/leve/internal/cli"
)

// main runs leve until it ends or a signal stops it: SIGINT or SIGTERM
// cancels the run, which then exits with 130 or 143; a second signal exits
// at once.
func main() {
	ctx, stop := cli.NotifySignals(context.Background(), os.Stderr, os.Exit)
	code := cli.Execute(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(cli.SignalExit(ctx, code))
}
