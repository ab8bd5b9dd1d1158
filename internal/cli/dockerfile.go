package cli

import (
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/leve-build/leve/internal/atomicfile"
	"github.com/leve-build/leve/internal/cli/options"
	"github.com/leve-build/leve/pkg/dockerfile"
	"github.com/leve-build/leve/pkg/pipeline"
	"github.com/leve-build/leve/pkg/publish"
)

func newDockerfileCmd() *cobra.Command {
	var (
		plain, pack bool
		leveImage   string
	)
	cmd := &cobra.Command{
		Use:   "dockerfile [flags] [TARGET]",
		Short: "Print a multi-stage Dockerfile that builds TARGET as leve build does",
		Long: `Dockerfile builds and analyses TARGET once, as leve build does (leve.yaml
included), and prints a multi-stage Dockerfile whose final stage writes the
image config leve build gives: USER, ENV, WORKDIR, LABEL, EXPOSE and an
exec-form ENTRYPOINT, each instruction under a one-phrase comment.

The default form runs leve itself in the build stage: a golang image pinned
to the Go version the program was built with, leve copied in from its image
(--leve-image), and "leve build --rootfs /rootfs --expect-config JSON", which
compiles, strips and analyses the program, writes the image's files and
fails when the config it would give differs from the Dockerfile's lines.
The final stage is FROM scratch plus COPY --from=build /rootfs/ /. It uses no
RUN --mount, no $BUILDPLATFORM and no heredoc: the legacy builder and
BuildKit both build it.

--plain needs no leve at build time: BuildKit's best practice, with cache
mounts, a static stripped build for $TARGETOS/$TARGETARCH on
$BUILDPLATFORM, passwd and group made in the build stage, and only the
run-time files leve's analysis found copied into FROM scratch.

Run it where the build context will be: TARGET is relative to it. The
Dockerfile goes to stdout; the build's diagnostics to stderr. See
docs/dockerfile.md.`,
		Example: `  # In the module (the build context), then build with Docker
  cd examples/hello && leve dockerfile > Dockerfile.leve
  docker build -f Dockerfile.leve -t hello .

  # No leve at build time, for BuildKit
  leve dockerfile --plain ./cmd/api > Dockerfile`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			target := "."
			if len(args) == 1 {
				target = args[0]
			}
			if leveImage == "" {
				leveImage = defaultLeveImage()
			}
			if _, err := name.ParseReference(leveImage); err != nil {
				return usageError{fmt.Errorf("--leve-image %q: %v; give a reference such as %s:1.0.0", leveImage, err, dockerfile.DefaultLeveImage)}
			}
			spec, err := dockerfileSpec(cmd.Context(), target, pack, cmd.ErrOrStderr())
			if err != nil {
				return err
			}
			spec.LeveImage = leveImage
			emit := dockerfile.Emit
			if plain {
				emit = dockerfile.EmitPlain
			}
			out, err := emit(spec)
			if err != nil {
				return err
			}
			_, err = cmd.OutOrStdout().Write(out)
			return err
		},
	}
	cmd.Flags().BoolVar(&plain, "plain", false, "no leve at build time: golang, cache mounts and $BUILDPLATFORM, for BuildKit")
	cmd.Flags().BoolVar(&pack, "pack", false, "the default form's leve build packs the binary (see leve build --pack)")
	cmd.Flags().StringVar(&leveImage, "leve-image", "", "the leve image the build stage copies leve from (default "+dockerfile.DefaultLeveImage+":VERSION, this leve's version)")
	return cmd
}

// defaultLeveImage is the leve image of this leve's version; a leve built
// from source, with no version, names 0.0.0-devel.
func defaultLeveImage() string {
	v := strings.TrimPrefix(readVersion().Version, "v")
	if v == "" || v == "(devel)" {
		v = "0.0.0-devel"
	}
	return dockerfile.DefaultLeveImage + ":" + strings.ReplaceAll(v, "+", "-")
}

// dockerfileSpec builds target once, through pipeline.Build without
// shipping it, and returns what the Dockerfile must write.
func dockerfileSpec(ctx context.Context, target string, pack bool, stderr io.Writer) (dockerfile.Spec, error) {
	var o options.Build
	flags := pflag.NewFlagSet("build", pflag.ContinueOnError)
	o.AddFlags(flags)
	o.Pack = pack
	po, err := withConfig(o, flags, target)
	if err != nil {
		return dockerfile.Spec{}, err
	}
	if len(po.Platforms) > 1 || po.PlatformsFromBase {
		return dockerfile.Spec{}, fmt.Errorf("leve.yaml asks for several platforms; a Dockerfile builds one per docker build: set one platform")
	}
	work, err := os.MkdirTemp("", "leve-dockerfile-")
	if err != nil {
		return dockerfile.Spec{}, err
	}
	defer os.RemoveAll(work)
	po.WorkDir, po.Stderr, po.CacheDir, po.SBOM = work, stderr, cacheDir(), pipeline.SBOMNone
	// Built, not shipped: the image is only read, from po.WorkDir.
	built, err := pipeline.Build(ctx, po)
	defer built.Close() // the base's layers are read below
	if err != nil {
		return dockerfile.Spec{}, err
	}
	rep, art := built.Report, built.Artifact
	if b, ok := art.(publish.Bundle); ok {
		art = b.Artifact
	}
	img, ok := art.(v1.Image)
	if !ok {
		return dockerfile.Spec{}, fmt.Errorf("building %s: got an image index, not one image", target)
	}
	cf, err := img.ConfigFile()
	if err != nil {
		return dockerfile.Spec{}, fmt.Errorf("reading the image config of %s: %w", target, err)
	}
	ir := rep.Images[0]
	gv, _, _ := strings.Cut(strings.TrimPrefix(ir.Binary.GoVersion, "go"), " ")
	spec := dockerfile.Spec{
		Target: contextTarget(target), Name: ir.Binary.Name, GoVersion: gv, Pack: pack,
		Config: configOf(cf.Config), PullSize: rep.PullSize,
	}
	for _, f := range ir.Files {
		spec.RuntimeFiles = append(spec.RuntimeFiles, f.Path)
	}
	if spec.GzipSize, err = buildkitSize(ctx, img, rep.PullSize); err != nil {
		return dockerfile.Spec{}, err
	}
	return spec, nil
}

// contextTarget writes target as go build takes it inside the context:
// "." or "./dir".
func contextTarget(target string) string {
	t := filepath.ToSlash(filepath.Clean(target))
	if t == "." || strings.HasPrefix(t, "./") || strings.HasPrefix(t, "../") || strings.HasPrefix(t, "/") {
		return t
	}
	if _, err := os.Stat(target); err == nil {
		return "./" + t
	}
	return t // an import path
}

// buildkitSize estimates what a client pulls of the image a Dockerfile
// gives: the layers as one tar stream compressed by gzip at level 6, as
// BuildKit and the legacy builder store a COPY, plus the manifest and
// config leve's image has.
func buildkitSize(ctx context.Context, img v1.Image, pullSize int64) (int64, error) {
	layers, err := img.Layers()
	if err != nil {
		return 0, err
	}
	var cw countWriter
	zw, err := gzip.NewWriterLevel(&cw, 6)
	if err != nil {
		return 0, err
	}
	meta := pullSize
	for _, l := range layers {
		if err := ctx.Err(); err != nil {
			return 0, err
		}
		sz, err := l.Size()
		if err != nil {
			return 0, err
		}
		meta -= sz
		rc, err := l.Uncompressed()
		if err != nil {
			return 0, err
		}
		_, err = io.Copy(zw, rc)
		rc.Close()
		if err != nil {
			return 0, fmt.Errorf("measuring gzip level 6: %w", err)
		}
	}
	if err := zw.Close(); err != nil {
		return 0, err
	}
	return cw.n + max(meta, 0), nil
}

type countWriter struct{ n int64 }

func (c *countWriter) Write(p []byte) (int, error) { c.n += int64(len(p)); return len(p), nil }

// configOf is the part of an image config a Dockerfile writes.
func configOf(c v1.Config) dockerfile.Config {
	d := dockerfile.Config{User: c.User, Env: c.Env, WorkingDir: c.WorkingDir, Entrypoint: c.Entrypoint}
	if len(c.Labels) > 0 {
		d.Labels = maps.Clone(c.Labels)
	}
	d.ExposedPorts = slices.Sorted(maps.Keys(c.ExposedPorts))
	return d
}

// expectedConfig reads --expect-config: JSON, or a file holding JSON or
// a Dockerfile, whose final stage's lines are then the expected config.
func expectedConfig(s string) (dockerfile.Config, error) {
	if !strings.HasPrefix(strings.TrimSpace(s), "{") {
		b, err := os.ReadFile(s)
		if err != nil {
			return dockerfile.Config{}, fmt.Errorf("--expect-config: %w; give the config as JSON, or a file holding it or the Dockerfile", err)
		}
		if !bytes.HasPrefix(bytes.TrimSpace(b), []byte("{")) {
			f, err := dockerfile.Parse(b)
			if err != nil {
				return dockerfile.Config{}, fmt.Errorf("--expect-config %s: not JSON, and as a Dockerfile: %w", s, err)
			}
			c, err := f.FinalConfig()
			if err != nil {
				return c, fmt.Errorf("--expect-config %s: %w", s, err)
			}
			return c, nil
		}
		s = string(bytes.TrimSpace(b))
	}
	c, err := dockerfile.ParseConfig(s)
	if err != nil {
		return c, fmt.Errorf("--expect-config: %w", err)
	}
	return c, nil
}

// checkRootfs refuses, before any work, --expect-config without --rootfs,
// an expected config that does not parse, and a --rootfs whose parent
// directory is missing.
func checkRootfs(o options.Build) error {
	if o.ExpectConfig != "" {
		if o.Rootfs == "" {
			return fmt.Errorf("--expect-config checks the config --rootfs writes; add --rootfs DIR")
		}
		if _, err := expectedConfig(o.ExpectConfig); err != nil {
			return err
		}
	}
	if o.Rootfs != "" {
		if err := atomicfile.CheckDir(filepath.Clean(o.Rootfs)); err != nil {
			return fmt.Errorf("--rootfs %s: %w", o.Rootfs, err)
		}
	}
	return nil
}

// rootfsSink is the --rootfs output, which checks --expect-config before
// anything is written.
func rootfsSink(o options.Build) (publish.Sink, error) {
	r := publish.Rootfs{Dir: o.Rootfs}
	if o.ExpectConfig != "" {
		want, err := expectedConfig(o.ExpectConfig)
		if err != nil {
			return nil, err
		}
		r.Check = func(c v1.Config) error {
			if err := want.Check(configOf(c)); err != nil {
				return fmt.Errorf("--expect-config: %w; the Dockerfile's lines no longer match what leve build gives here: run leve dockerfile again, or set the flags or leve.yaml back", err)
			}
			return nil
		}
	}
	return r, nil
}
