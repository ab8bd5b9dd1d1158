// Command leve turns Go source into the lightest Linux container image that
// still runs correctly, without a Docker daemon. See "leve --help".
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/leve-build/leve/internal/cli"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := cli.Execute(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
