package cli

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/leve-build/leve/internal/cli/options"
	"github.com/leve-build/leve/internal/report"
	"github.com/leve-build/leve/pkg/lint"
)

func newLintCmd() *cobra.Command {
	var o options.Lint
	cmd := &cobra.Command{
		Use:   "lint [flags] [DOCKERFILE | DIR | -]",
		Short: "Report what a Dockerfile costs in bytes and safety, with a fix for each",
		Long: `Lint parses a Dockerfile with BuildKit's own parser (heredocs included) and
reports what costs image size or safety, each finding with its rule ID,
severity, line, fix and, where they can be computed, the bytes at stake:
a chmod/chown layer that stores copied files twice, an unstripped go build,
cgo left on for a scratch or alpine final stage, a full distribution base
under a static binary, a binary named like a source file, the build
directory copied into the final image, GO111MODULE relics, unpinned or
latest bases, a shell-form ENTRYPOINT, root as the last user, secrets in
ARG or ENV, ADD for local files and a missing .dockerignore. Size rules
look at the final stage and the stages it copies from.

The argument is a Dockerfile, a directory holding one named Dockerfile, or
"-" for standard input; the default is ./Dockerfile. The build context is
the Dockerfile's directory unless --context says otherwise; --measure
builds the Go program found there once to know the binary's bytes.

A comment "# leve-lint ignore=ID[,ID...]" silences rules for the next
instruction, or for the whole file when it comes before the first one.
The rules are in docs/lint.md and "leve lint --rules".

Exit status: 1 when an error-severity rule fires (the build or the run
breaks) or the file cannot be read or parsed, else 0.`,
		Example: `  # The seed tutorial's Dockerfile: every flaw at its line
  leve lint examples/hello/Dockerfile.seed

  # With the bytes the binary rules cost, measured on the context's program
  leve lint --measure --context examples/seed examples/hello/Dockerfile.seed

  # For code scanning
  leve lint --format sarif Dockerfile > leve-lint.sarif`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := o.Validate(); err != nil {
				return usageError{err}
			}
			if o.Rules {
				return report.LintRules(cmd.OutOrStdout(), lint.Rules())
			}
			path := "Dockerfile"
			if len(args) == 1 {
				path = args[0]
			}
			lo := lint.Options{Context: o.Context, Measure: o.Measure}
			var (
				res *lint.Result
				err error
			)
			if path == "-" {
				src, rerr := io.ReadAll(cmd.InOrStdin())
				if rerr != nil {
					return fmt.Errorf("reading the Dockerfile from standard input: %w", rerr)
				}
				res, err = lint.Lint(cmd.Context(), src, lo)
			} else {
				if fi, serr := os.Stat(path); serr == nil && fi.IsDir() {
					path = filepath.Join(path, "Dockerfile")
				}
				res, err = lint.LintFile(cmd.Context(), path, lo)
			}
			if err != nil {
				return fmt.Errorf("%w; give a readable Dockerfile (leve lint PATH, or - for standard input)", err)
			}
			if !o.Measure {
				for _, f := range res.Findings {
					if (f.Rule == "unstripped" || f.Rule == "chmod-copy") && f.Bytes == 0 {
						res.Notes = append(res.Notes, "the binary's bytes at stake are not measured: add --measure (and --context DIR if the Go program is elsewhere) to build it once")
						break
					}
				}
			}
			ro := report.LintOptions{File: path, Version: readVersion().Version}
			render := map[string]func(io.Writer, *lint.Result, report.LintOptions) error{
				"text": report.LintText, "json": report.LintJSON, "sarif": report.LintSARIF, "markdown": report.LintMarkdown,
			}[o.Format]
			if err := render(cmd.OutOrStdout(), res, ro); err != nil {
				return err
			}
			if m, ok := res.Max(); ok && m == lint.Error {
				var ids []string
				for _, f := range res.Findings {
					if f.Severity == lint.Error {
						ids = append(ids, fmt.Sprintf("%s at line %d", f.Rule, f.Line))
					}
				}
				return fmt.Errorf("%s: the build or the run breaks: %s", path, strings.Join(ids, ", "))
			}
			return nil
		},
	}
	o.AddFlags(cmd.Flags())
	return cmd
}
