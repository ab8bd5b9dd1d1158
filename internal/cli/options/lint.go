package options

import (
	"fmt"
	"os"
	"slices"

	"github.com/spf13/pflag"
)

// LintFormats are the values --format accepts.
var LintFormats = []string{"text", "json", "sarif", "markdown"}

// Lint holds the flags of "leve lint".
type Lint struct {
	Format  string
	Context string
	Measure bool
	Rules   bool
}

// AddFlags binds the flags to fs.
func (l *Lint) AddFlags(fs *pflag.FlagSet) {
	fs.StringVar(&l.Format, "format", "text", "output `FORMAT`: text, json (schema leve.lint/v1), sarif (SARIF 2.1.0) or markdown")
	fs.StringVar(&l.Context, "context", "", "build context `DIR` (default: the Dockerfile's directory; none for standard input)")
	fs.BoolVar(&l.Measure, "measure", false, "build the Go program in the context once to know the bytes the binary rules put at stake")
	fs.BoolVar(&l.Rules, "rules", false, "list the rules with their severity and fix, and exit")
}

// Validate checks the flags.
func (l *Lint) Validate() error {
	if !slices.Contains(LintFormats, l.Format) {
		return fmt.Errorf("--format %q: want one of text, json, sarif, markdown", l.Format)
	}
	if l.Context != "" {
		fi, err := os.Stat(l.Context)
		if err != nil {
			return fmt.Errorf("--context %s: %w; give the build context directory", l.Context, err)
		}
		if !fi.IsDir() {
			return fmt.Errorf("--context %s: not a directory; give the build context directory", l.Context)
		}
	}
	return nil
}
