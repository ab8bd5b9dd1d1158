package cli

import (
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/leve-build/leve/internal/cli/options"
	"github.com/leve-build/leve/internal/report"
	"github.com/leve-build/leve/pkg/pipeline"
	"github.com/leve-build/leve/pkg/publish"
)

func newBuildCmd() *cobra.Command {
	var o options.Build
	cmd := &cobra.Command{
		Use:   "build [flags] [TARGET]",
		Short: "Compile Go source into a minimal, reproducible OCI image",
		Long: `Build compiles TARGET for Linux (CGO_ENABLED=0, -trimpath), reads the binary,
strips it, and packages it on scratch with exactly what a static Go program
needs: /app/NAME, /etc/passwd and /etc/group with root and nonroot (65532),
/home/nonroot and /tmp. The image runs as nonroot.

TARGET is a package directory or import path in a module (default "."), a
lone .go file, or a directory of .go files with no go.mod.

The image is written as an OCI image layout in ./leve-out/NAME (no daemon, no
network), or where -o and --tarball say. The same source and flags give the
same digest, run after run: times come from SOURCE_DATE_EPOCH, else the VCS
commit time, else 1970.

The stage report goes to stderr; stdout carries only NAME:TAG@sha256:DIGEST,
or the JSON report with --json (schema: docs/build-json.md).`,
		Example: `  # The example greeting program, into ./leve-out/hello
  leve build ./examples/hello

  # The seed tutorial's lone app.go, with no go.mod
  leve build app.go

  # A tagged image in a chosen layout, plus a tarball for docker load
  leve build -t api:1.2 -o out/oci --tarball api.tar ./cmd/api
  docker load -i api.tar

  # Two platforms, pushed to a registry and loaded into Docker
  leve build --platform linux/amd64,linux/arm64 --push ghcr.io/me/api:1.2 ./cmd/api
  leve build --docker ./examples/hello && docker run -ti hello:latest

  # Stamp a version, run as root, add static files
  leve build --ldflags '-X main.version=1.2' --user root --add ./static:/app/static .`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			target := "."
			if len(args) == 1 {
				target = args[0]
			}
			po, err := o.Validate(target)
			if err != nil {
				return err
			}
			po.Stderr = cmd.ErrOrStderr()
			po.CacheDir = cacheDir()
			po.Sinks = func(ref publish.Ref) (publish.Sink, error) { return sinks(o, ref, cmd.ErrOrStderr()) }
			rep, _, err := pipeline.Build(cmd.Context(), po)
			if err != nil {
				return err
			}
			if err := report.Build(cmd.ErrOrStderr(), rep); err != nil {
				return err
			}
			if o.JSON {
				return report.JSON(cmd.OutOrStdout(), rep)
			}
			_, err = fmt.Fprintln(cmd.OutOrStdout(), rep.Reference)
			return err
		},
	}
	o.AddFlags(cmd.Flags())
	return cmd
}

// sinks returns the outputs the flags ask for: the OCI layout (by default
// ./leve-out/NAME, when no other output is named), the tarball, registries
// and the Docker engine.
func sinks(o options.Build, ref publish.Ref, stderr io.Writer) (publish.Sink, error) {
	var m publish.Multi
	if o.Output != "" || (o.Tarball == "" && len(o.Push) == 0 && !o.Docker) {
		dir := o.Output
		if dir == "" {
			dir = filepath.Join("leve-out", filepath.FromSlash(ref.Name))
		}
		m = append(m, publish.Layout{Dir: dir})
	}
	if o.Tarball != "" {
		m = append(m, publish.Tarball{Path: o.Tarball})
	}
	for _, p := range o.Push {
		r := publish.Registry{Repo: p, Insecure: o.Insecure}
		if isTerminal(stderr) {
			r.Progress = stderr
		}
		if _, err := r.Reference(ref); err != nil {
			return nil, err
		}
		m = append(m, r)
	}
	if o.Docker {
		m = append(m, publish.Daemon{})
	}
	return m, nil
}

// isTerminal reports whether w is a character device, where progress
// lines belong.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

// cacheDir is where leve keeps binaries and compressed layers between
// builds: $LEVE_CACHE, else the user cache directory; "" disables it.
func cacheDir() string {
	if d, ok := os.LookupEnv("LEVE_CACHE"); ok {
		return d
	}
	d, err := os.UserCacheDir()
	if err != nil {
		return ""
	}
	return filepath.Join(d, "leve")
}
