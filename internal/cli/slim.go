package cli

import (
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/leve-build/leve/internal/cli/options"
	"github.com/leve-build/leve/internal/report"
	"github.com/leve-build/leve/pkg/pipeline"
	"github.com/leve-build/leve/pkg/platform"
	"github.com/leve-build/leve/pkg/publish"
)

func newSlimCmd() *cobra.Command {
	var o options.Build // the output and registry flags, as leve build's
	var keep []string
	var plat string
	var name string
	cmd := &cobra.Command{
		Use:   "slim [flags] IMAGE",
		Short: "Rewrite an image into the smallest one that runs its Go program the same way",
		Long: `Slim reads IMAGE (any source of docs/images.md: docker-archive:, oci:,
oci-archive:, docker:, podman:, a registry reference or a path), resolves
what its entrypoint runs (shell form, WorkingDir, PATH) and, when that is a Go
binary, writes an image holding only it, stripped (--pack packs it), on
scratch or --base, with the run-time files its analysis says it needs taken
from IMAGE (its CA bundle, its zoneinfo, its passwd entry; leve's where IMAGE
has none), the loader and libraries of a dynamic binary, the paths of --keep,
and the config that still makes sense. A shell-form entrypoint becomes its
exec form. Slim refuses, with the reason, a script or an interpreted program,
a command that needs a shell feature, a missing library; the report names what
was not carried over and what the program may read that slim cannot see.
Nothing is run. See docs/slim.md.

The report goes to stderr; stdout carries NAME:TAG@sha256:DIGEST, or the JSON
report with --json.`,
		Example: `  leve slim docker-archive:app.tar -o slim-oci
  leve slim --pack --tarball app-slim.tar docker:app:1
  leve slim --keep /etc/app/config.yaml --push reg:5000/app:slim reg:5000/app:1`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			p, err := platform.Parse(plat)
			if err != nil {
				return usageError{fmt.Errorf("--platform %s: %w", plat, err)}
			}
			if err := checkOutputDirs(o); err != nil {
				return err
			}
			comp, level, err := o.LayerCompression()
			if err != nil {
				return usageError{err}
			}
			n, tag, _ := strings.Cut(name, ":")
			so := pipeline.SlimOptions{
				Image: args[0], Platform: p, Base: o.Base, Registry: o.Registry(), NoStrip: o.NoStrip, Pack: o.Pack,
				Keep: keep, Name: n, Tag: tag, Layers: pipeline.LayerOptions{Compression: comp, Level: level}, CacheDir: cacheDir(),
				Sinks: func(ref publish.Ref) ([]publish.Sink, error) { return sinks(o, ref, cmd.ErrOrStderr(), false) },
			}
			rep, _, err := pipeline.Slim(cmd.Context(), so)
			if err != nil {
				return err
			}
			if o.JSON {
				return report.JSON(cmd.OutOrStdout(), rep)
			}
			if err := writeSlim(cmd.ErrOrStderr(), rep); err != nil {
				return err
			}
			_, err = fmt.Fprintln(cmd.OutOrStdout(), rep.Image.Reference)
			return err
		},
	}
	f := cmd.Flags()
	f.StringVarP(&name, "tag", "t", "", "name and tag of the slimmed image, NAME[:TAG] (default: the program's name, latest)")
	f.StringVarP(&o.Output, "output", "o", "", "OCI image layout directory to write (default ./leve-out/NAME)")
	f.StringVar(&o.Tarball, "tarball", "", "write one tar file that docker load and skopeo read")
	f.StringArrayVar(&o.Push, "push", nil, "push to a registry, REGISTRY/REPO[:TAG] (repeatable)")
	f.BoolVar(&o.Docker, "docker", false, "load the image into the Docker engine on DOCKER_HOST")
	f.BoolVar(&o.Insecure, "insecure", false, "registries (IMAGE, --base, --push): allow plain HTTP and skip TLS verification")
	f.StringArrayVar(&o.RegistryCAs, "registry-ca", nil, "PEM file of a CA to trust for registries (repeatable)")
	f.StringVar(&o.Base, "base", "scratch", "base of the slimmed image: scratch or any image source")
	f.StringVar(&plat, "platform", platform.Default.String(), "the platform to take from an index, linux/ARCH[/VARIANT]")
	f.BoolVar(&o.NoStrip, "no-strip", false, "keep the binary's symbol table and DWARF")
	f.BoolVar(&o.Pack, "pack", false, "pack the binary into a self-extracting executable (see leve pack)")
	f.StringArrayVar(&keep, "keep", nil, "keep a path of IMAGE the program reads at run time (repeatable)")
	f.StringVar(&o.Compression, "compression", "gzip", "layer compression: gzip or zstd")
	f.StringVar(&o.Level, "level", "default", "compression level: fast, default or max")
	f.BoolVar(&o.JSON, "json", false, "print the slim report as one JSON document on stdout")
	return cmd
}

// writeSlim writes the text report of a slim.
func writeSlim(w io.Writer, r *pipeline.SlimReport) error {
	var b strings.Builder
	fmt.Fprintf(&b, "slim %s\n", r.Source)
	fmt.Fprintf(&b, "  entrypoint  %q → %q\n", r.Entrypoint, r.Command)
	fmt.Fprintf(&b, "  program     %s (%s)\n", r.Program, r.Linking)
	if bin := r.Image.Images[0].Binary; bin.SizeBefore > 0 {
		fmt.Fprintf(&b, "  binary      %s → %s (stripped %v, packed %v)\n", report.Bytes(bin.SizeBefore), report.Bytes(bin.SizeAfter), bin.Stripped, bin.Packed)
	}
	if r.Interpreter != "" {
		fmt.Fprintf(&b, "  interpreter %s\n", r.Interpreter)
	}
	for _, f := range r.Files {
		fmt.Fprintf(&b, "  file        %s (%s): %s\n", f.Path, report.Bytes(f.Size), f.Reason)
	}
	for _, k := range r.Kept {
		fmt.Fprintf(&b, "  kept        %s\n", k)
	}
	for _, d := range r.Dropped {
		fmt.Fprintf(&b, "  dropped     %s\n", d)
	}
	for _, x := range r.Risks {
		fmt.Fprintf(&b, "  risk        %s\n", x)
	}
	if len(r.Risks) > 0 {
		fmt.Fprintf(&b, "  (--keep PATH keeps a path of the image that the program needs)\n")
	}
	est := ""
	if r.OriginalEstimated {
		est = " (estimated: gzip of its uncompressed layers)"
	}
	ratio := 0.0
	if r.Image.PullSize > 0 {
		ratio = float64(r.OriginalPullSize) / float64(r.Image.PullSize)
	}
	fmt.Fprintf(&b, "  pull size   %d B%s → %d B (%.1f× smaller)\n", r.OriginalPullSize, est, r.Image.PullSize, ratio)
	for _, out := range r.Image.Outputs {
		fmt.Fprintf(&b, "  output      %s %s\n", out.Kind, out.Location)
	}
	_, err := io.WriteString(w, b.String())
	return err
}
