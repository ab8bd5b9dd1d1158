package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/leve-build/leve/internal/atomicfile"
	"github.com/leve-build/leve/internal/cli/options"
	"github.com/leve-build/leve/internal/report"
	"github.com/leve-build/leve/pkg/pipeline"
	"github.com/leve-build/leve/pkg/publish"
)

func newBuildCmd() *cobra.Command {
	var o options.Build
	var runAfter bool
	cmd := &cobra.Command{
		Use:   "build [flags] [TARGET...]",
		Short: "Compile Go source into a minimal, reproducible OCI image",
		Long: `Build compiles TARGET for Linux (CGO_ENABLED=0, -trimpath), reads the binary,
strips it, and packages it on scratch with exactly what it needs:
/app/NAME, /etc/passwd and /etc/group with root and nonroot (65532),
/home/nonroot and /tmp, plus CA certificates, time zone data and
/etc/nsswitch.conf when the analysis of the binary finds it needs them. The
image runs as nonroot.

TARGET is a package directory or import path in a module (default "."), a
lone .go file, or a directory of .go files with no go.mod. Several targets,
or a pattern such as ./..., build every main package concurrently, each into
its own image named after it.

The image is written as an OCI image layout in ./leve-out/NAME (no daemon, no
network), or where -o, --tarball, --push and --docker say. The layout and
the tarball are written last, once every push and --docker succeeded: a
failed or interrupted run leaves them as they were and says what it wrote.
The directory above -o DIR and --tarball FILE must exist. The same source
and flags give the same digest, run after run: times come from
SOURCE_DATE_EPOCH, else the VCS commit time, else 1970.

The stage report goes to stderr; stdout carries only NAME:TAG@sha256:DIGEST
(one line per image), or the JSON report with --json (docs/build-json.md).`,
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

  # Every command of a module, pushed as ghcr.io/me/NAME
  leve build --push ghcr.io/me ./...

  # Stamp a version, run as root, add static files
  leve build --ldflags '-X main.version=1.2' --user root --add ./static:/app/static .`,
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 {
				args = []string{"."}
			}
			maxCache, err := cacheMax()
			if err != nil {
				return err
			}
			targets, err := expandTargets(cmd.Context(), args, o)
			if err != nil {
				return err
			}
			if runAfter && o.JSON {
				return usageError{fmt.Errorf("--run and --json both want stdout: use one")}
			}
			if len(targets) > 1 && runAfter {
				return usageError{fmt.Errorf("--run runs one image, and %d targets give %d; build them one by one", len(targets), len(targets))}
			}
			if len(targets) > 1 && (o.Tag != "" || o.Tarball != "" || o.Rootfs != "") {
				return fmt.Errorf("-t, --tarball and --rootfs name one image, and %d targets give %d; build them one by one", len(targets), len(targets))
			}
			if err := checkOutputDirs(o); err != nil {
				return err
			}
			progress, err := newProgress(o, cmd.ErrOrStderr())
			if err != nil {
				return err
			}
			ctx, writeTrace := withTrace(cmd.Context())
			reps, err := buildAll(ctx, targets, o, cmd.Flags(), cmd.ErrOrStderr(), progress)
			progress.Close()
			if terr := writeTrace(); err == nil {
				err = terr
			}
			if err != nil {
				return err
			}
			boundCache(cmd.Context(), maxCache, cmd.ErrOrStderr())
			if o.JSON {
				if len(reps) == 1 {
					return report.JSON(cmd.OutOrStdout(), reps[0])
				}
				return report.JSON(cmd.OutOrStdout(), reps)
			}
			for _, r := range reps {
				if _, err := fmt.Fprintln(cmd.OutOrStdout(), r.Reference); err != nil {
					return err
				}
			}
			if runAfter {
				return runBuilt(cmd.Context(), reps[0].Outputs, reps[0].Tag, cmd.InOrStdin(), cmd.OutOrStdout(), cmd.ErrOrStderr())
			}
			return nil
		},
	}
	o.AddFlags(cmd.Flags())
	cmd.Flags().BoolVar(&runAfter, "run", false, "run the image once built, as leve run -i --rm (with -t on a terminal)")
	return cmd
}

// expandTargets turns patterns such as ./... into the main packages they
// match, for the first --platform, --tags and --cgo; other targets stay
// as they are.
func expandTargets(ctx context.Context, args []string, o options.Build) ([]string, error) {
	po, err := o.Targets()
	if err != nil {
		return nil, err
	}
	return pipeline.Targets(ctx, args, po)
}

// checkOutputDirs refuses, before any work, a --tarball or -o path whose
// parent directory is missing: leve creates the layout directory itself,
// never the directories above it or above the tarball.
func checkOutputDirs(o options.Build) error {
	if o.Tarball != "" {
		if err := atomicfile.CheckDir(o.Tarball); err != nil {
			return fmt.Errorf("--tarball %s: %w", o.Tarball, err)
		}
	}
	if err := checkRootfs(o); err != nil {
		return err
	}
	if o.Output != "" {
		if err := atomicfile.CheckDir(filepath.Clean(o.Output)); err != nil {
			return fmt.Errorf("-o %s: %w", o.Output, err)
		}
	}
	return nil
}

// newProgress returns the renderer of --progress and -q on stderr.
func newProgress(o options.Build, stderr io.Writer) (*report.Progress, error) {
	mode, ok := report.ParseProgressMode(o.Progress)
	if !ok {
		return nil, fmt.Errorf("--progress %q: want one of %s", o.Progress, strings.Join(report.ProgressModes, ", "))
	}
	if o.Quiet {
		mode = report.ProgressQuiet
	}
	t := report.Terminal{IsTerminal: isTerminal(stderr), Term: os.Getenv("TERM"), NoColor: os.Getenv("NO_COLOR") != ""}
	if f, ok := stderr.(*os.File); ok && t.IsTerminal {
		t.Width = terminalWidth(f)
	}
	return report.NewProgress(stderr, mode, t), nil
}

// buildAll validates each target's options (flags over its module's
// leve.yaml), then builds them all with one pipeline.BuildAll, showing
// their progress and each report on stderr as it completes. Reports come
// back in target order. On failure the error also says what the run wrote
// (buildOutcome).
func buildAll(ctx context.Context, targets []string, o options.Build, flags *pflag.FlagSet, stderr io.Writer, progress *report.Progress) ([]*pipeline.Report, error) {
	many := len(targets) > 1
	prefix := func(i int) string {
		if many {
			return targets[i]
		}
		return ""
	}
	opts := make([]pipeline.Options, len(targets))
	for i, target := range targets {
		po, err := withConfig(o, flags, target)
		if err != nil {
			if many {
				err = fmt.Errorf("%s: %w", target, err)
			}
			return nil, err
		}
		po.Stderr = stderr
		po.CacheDir = cacheDir()
		po.Sinks = func(ref publish.Ref) ([]publish.Sink, error) { return sinks(o, ref, stderr, many) }
		po.Progress = progress.Events(prefix(i))
		opts[i] = po
	}
	reps, err := pipeline.BuildAll(ctx, opts, func(i int, rep *pipeline.Report, err error) {
		if err != nil {
			progress.Abort(prefix(i))
			return
		}
		warningAdvice(rep)
		report.Summarize(rep)
		progress.Finish(prefix(i), report.BuildTail(rep))
	})
	var be *pipeline.BuildAllError
	if !errors.As(err, &be) {
		return reps, err
	}
	errs := make([]error, len(be.Errs))
	for i, e := range be.Errs {
		if e != nil && many {
			e = fmt.Errorf("%s: %w", targets[i], e)
		}
		errs[i] = e
	}
	// The first failure, with what the others wrote.
	return reps, buildOutcome(ctx, targets, reps, errs, be.First, errs[be.First])
}

// withConfig applies the module's leve.yaml, if any, to the flags for
// target and validates the result.
func withConfig(o options.Build, flags *pflag.FlagSet, target string) (pipeline.Options, error) {
	dir := "."
	if fi, err := os.Stat(target); err == nil {
		dir = target
		if !fi.IsDir() {
			dir = filepath.Dir(target)
		}
	}
	cfg, err := options.LoadConfig(dir)
	if err != nil {
		return pipeline.Options{}, err
	}
	o = cfg.Apply(o, flags, target)
	po, err := o.Validate(target)
	po.Compiler = compiler
	return po, err
}

// sinks returns the outputs the flags ask for: the OCI layout (by default
// ./leve-out/NAME, when no other output is named), the tarball, registries
// and the Docker engine. When many images are built, -o DIR and --push
// REPO are prefixes: DIR/NAME and REPO/NAME.
func sinks(o options.Build, ref publish.Ref, stderr io.Writer, many bool) ([]publish.Sink, error) {
	var m []publish.Sink
	if o.Output != "" || (o.Tarball == "" && o.Rootfs == "" && len(o.Push) == 0 && !o.Docker) {
		dir := o.Output
		switch {
		case dir == "":
			dir = filepath.Join("leve-out", filepath.FromSlash(ref.Name))
		case many:
			dir = filepath.Join(dir, filepath.FromSlash(ref.Name))
		}
		m = append(m, publish.Layout{Dir: dir})
	}
	if o.Tarball != "" {
		m = append(m, publish.Tarball{Path: o.Tarball})
	}
	if o.Rootfs != "" {
		r, err := rootfsSink(o)
		if err != nil {
			return nil, err
		}
		m = append(m, r)
	}
	pushed := map[string]string{} // registry → the first repository pushed to
	for _, p := range o.Push {
		if many {
			p += "/" + ref.Name
		}
		r := publish.Registry{Repo: p, Options: o.Registry()}
		tag, err := r.Reference(ref)
		if re := (*publish.RepoError)(nil); errors.As(err, &re) {
			return nil, fmt.Errorf("--push %q: %v; want REGISTRY/REPO[:TAG], e.g. ghcr.io/me/app", re.Repo, re.Err)
		}
		if err != nil {
			return nil, err
		}
		if first, ok := pushed[tag.RegistryStr()]; ok {
			r.MountFrom = first
		} else {
			pushed[tag.RegistryStr()] = tag.Context().String()
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
