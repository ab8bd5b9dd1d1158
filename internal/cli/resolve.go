package cli

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"

	"github.com/spf13/cobra"

	"github.com/leve-build/leve/internal/cli/options"
	"github.com/leve-build/leve/internal/report"
	"github.com/leve-build/leve/pkg/pipeline"
	"github.com/leve-build/leve/pkg/publish"
)

func newResolveCmd() *cobra.Command {
	var (
		o     options.Build
		files []string
		repo  string
	)
	cmd := &cobra.Command{
		Use:   "resolve -f FILE --repo REGISTRY/PREFIX",
		Short: "Build and push every leve:// reference in Kubernetes YAML and print the YAML with digests",
		Long: `Resolve reads Kubernetes YAML (any YAML: several documents separated by
"---", block and flow style), builds every Go main package whose import path a
string value names as leve://IMPORT/PATH, with leve build's defaults and flags,
pushes each to PREFIX/NAME, and prints the YAML with each such value replaced by
PREFIX/NAME@sha256:DIGEST, keeping its quotes. Every other byte is printed as it
was, comments included; a leve:// in a comment, a mapping key or inside a longer
string is left alone (the last two with a warning).

Before building anything, resolve refuses, naming the file and line: malformed
YAML; a reference with a tag or digest (leve://example.com/app:v1; leve sets the
digest); a filesystem path (leve://./cmd/api, leve://../x, leve:///abs) or
anything else that is not a Go import path; and a reference written as a block
scalar (| or >), with escapes or over several lines.

--repo defaults to $LEVE_REPO. Build reports and warnings go to stderr.`,
		Example: `  leve resolve -f k8s/ --repo ghcr.io/me > resolved.yaml
  leve resolve -f deploy.yaml --repo 127.0.0.1:5000/apps --insecure | kubectl apply -f -
  kustomize build . | leve resolve -f - --repo ghcr.io/me`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if repo == "" {
				repo = os.Getenv("LEVE_REPO")
			}
			if repo == "" {
				return fmt.Errorf("no registry to push to: give --repo REGISTRY/PREFIX or set LEVE_REPO")
			}
			if len(files) == 0 {
				return fmt.Errorf("no YAML to resolve: give -f FILE (or -f - for stdin)")
			}
			if o.Tag != "" || o.Tarball != "" || o.Output != "" || len(o.Push) > 0 {
				return fmt.Errorf("resolve pushes to --repo only; -t, -o, --tarball and --push belong to leve build")
			}
			doc, err := readDocs(files, cmd.InOrStdin())
			if err != nil {
				return err
			}
			o.Push = []string{strings.TrimSuffix(repo, "/")}
			stderr := cmd.ErrOrStderr()
			progress, err := newProgress(o, stderr)
			if err != nil {
				return err
			}
			defer progress.Close()
			out, warnings, err := pipeline.ResolveReferences(cmd.Context(), doc, runtime.NumCPU(), func(ctx context.Context, ip string) (string, error) {
				po, err := withConfig(o, cmd.Flags(), ip)
				if err != nil {
					return "", err
				}
				po.Stderr, po.CacheDir = stderr, cacheDir()
				po.Sinks = func(ref publish.Ref) ([]publish.Sink, error) { return sinks(o, ref, stderr, true) }
				po.Progress = progress.Events(ip)
				built, err := pipeline.Build(ctx, po)
				if err == nil {
					err = built.Ship(ctx)
				}
				built.Close() // once shipped: the layers are read until then
				rep := built.Report
				if err != nil {
					progress.Abort(ip)
					return "", fmt.Errorf("leve://%s: %w", ip, err)
				}
				warningAdvice(rep)
				report.Summarize(rep)
				progress.Finish(ip, report.BuildTail(rep))
				return strings.TrimSuffix(repo, "/") + "/" + rep.Name + "@" + rep.Digest, nil
			})
			if err != nil {
				return err
			}
			for _, w := range warnings {
				fmt.Fprintf(stderr, "warning: %s\n", w)
			}
			_, err = cmd.OutOrStdout().Write(joinDocs(out))
			return err
		},
	}
	o.AddFlags(cmd.Flags())
	cmd.Flags().StringArrayVarP(&files, "filename", "f", nil, "YAML file or directory (repeatable; - for stdin)")
	cmd.Flags().StringVar(&repo, "repo", "", "registry and prefix to push to, REGISTRY/PREFIX (default $LEVE_REPO)")
	return cmd
}

// readDocs reads the YAML files named (directories: their .yaml and .yml
// files, sorted); "-" is stdin.
func readDocs(names []string, stdin io.Reader) ([]pipeline.Document, error) {
	var docs []pipeline.Document
	for _, n := range names {
		if n == "-" {
			b, err := io.ReadAll(stdin)
			if err != nil {
				return nil, fmt.Errorf("reading stdin: %w", err)
			}
			docs = append(docs, pipeline.Document{Name: "stdin", Data: b})
			continue
		}
		fi, err := os.Stat(n)
		if err != nil {
			return nil, fmt.Errorf("-f %s: %w", n, err)
		}
		paths := []string{n}
		if fi.IsDir() {
			entries, err := os.ReadDir(n)
			if err != nil {
				return nil, fmt.Errorf("-f %s: %w", n, err)
			}
			paths = paths[:0]
			for _, e := range entries {
				if !e.IsDir() && (strings.HasSuffix(e.Name(), ".yaml") || strings.HasSuffix(e.Name(), ".yml")) {
					paths = append(paths, filepath.Join(n, e.Name()))
				}
			}
		}
		for _, p := range paths {
			b, err := os.ReadFile(p)
			if err != nil {
				return nil, fmt.Errorf("-f %s: %w", p, err)
			}
			docs = append(docs, pipeline.Document{Name: p, Data: b})
		}
	}
	return docs, nil
}

// joinDocs concatenates YAML files, separated by "---" lines.
func joinDocs(docs [][]byte) []byte {
	var out []byte
	for i, d := range docs {
		if i > 0 {
			if len(out) > 0 && out[len(out)-1] != '\n' {
				out = append(out, '\n')
			}
			out = append(out, "---\n"...)
		}
		out = append(out, d...)
	}
	return out
}
