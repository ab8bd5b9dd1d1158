package cli

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/leve-build/leve/internal/atomicfile"
	"github.com/leve-build/leve/internal/report"
	"github.com/leve-build/leve/pkg/pack"
)

// packFlags holds the flags of "leve pack".
type packFlags struct {
	Output   string
	JSON     bool
	NoFilter bool
	Fast     bool
}

// addFlags binds the flags to fs.
func (o *packFlags) addFlags(fs *pflag.FlagSet) {
	fs.StringVarP(&o.Output, "output", "o", "", "packed file to write (default IN.packed)")
	fs.BoolVar(&o.JSON, "json", false, "print the statistics as JSON on stdout")
	fs.BoolVar(&o.NoFilter, "no-filter", false, "do not apply the branch filter (AMD64 for amd64, ARM64 for arm64) before compressing")
	fs.BoolVar(&o.Fast, "fast", false, "compress about twice as fast, about 1% larger")
}

// validate checks the flags for input in and returns the output path.
func (o *packFlags) validate(in string) (string, error) {
	out := o.Output
	if out == "" {
		out = in + ".packed"
	}
	ai, err := filepath.Abs(in)
	if err != nil {
		return "", err
	}
	ao, err := filepath.Abs(out)
	if err != nil {
		return "", err
	}
	if ai == ao {
		return "", usageError{fmt.Errorf("output %q is the input: leve pack never overwrites its input", out)}
	}
	if si, err := os.Stat(in); err == nil {
		if so, err := os.Stat(out); err == nil && os.SameFile(si, so) {
			return "", usageError{fmt.Errorf("output %q is the input file: leve pack never overwrites its input", out)}
		}
	}
	if o.Output != "" {
		if err := atomicfile.CheckDir(out); err != nil {
			return "", fmt.Errorf("-o %s: %w", out, err)
		}
	}
	return out, nil
}

func newPackCmd() *cobra.Command {
	var o packFlags
	cmd := &cobra.Command{
		Use:   "pack [flags] IN",
		Short: "Compress a static Go executable into a self-extracting one that runs in place",
		Long: `Pack compresses the static linux/amd64 or linux/arm64 executable IN with an
LZMA encoder and a branch filter, behind a stub of 4–5 KB. The packed
program decompresses itself into memory and runs in the same process, with the
same arguments, environment, standard streams, exit status and signals: no
temporary file, no memfd, no second exec. Its Go build info stays readable:
"go version -m" and vulnerability scanners see the same modules.

The packed file is written to IN.packed, or to -o OUT, never over IN, through
a temporary file in the same directory (mode 0755). A report goes to stderr;
--json prints the statistics on stdout.

Dynamic executables (cgo, or -buildmode=pie), segments at different distances
from their file offsets (some external linkers' layout), other architectures, non-ELF files and
inputs larger than 1 GiB (the packed program is decompressed into
memory at start-up) are refused with the reason, before anything is written. A packed file that is corrupt or truncated exits with status
126 and one line on stderr.`,
		Example: `  # The seed's app.go, stripped and packed
  CGO_ENABLED=0 go build -trimpath -ldflags='-s -w' -o app app.go
  leve pack app && ./app.packed

  # To a chosen file, statistics as JSON
  leve pack -o /tmp/app --json app`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			in := args[0]
			out, err := o.validate(in)
			if err != nil {
				return err
			}
			// Refuse an input too large to pack before reading any of it.
			fi, err := os.Stat(in)
			if err != nil {
				return fmt.Errorf("reading %q: %w", in, err)
			}
			if err := pack.CheckSize(fi.Size()); err != nil {
				return fmt.Errorf("packing %q: %w", in, err)
			}
			src, err := os.Open(in)
			if err != nil {
				return fmt.Errorf("reading %q: %w", in, err)
			}
			defer src.Close()
			var opts []pack.Option
			if o.NoFilter {
				opts = append(opts, pack.WithFilter(false))
			}
			if o.Fast {
				opts = append(opts, pack.WithFast())
			}
			packed, st, err := pack.Pack(cmd.Context(), src, opts...)
			if err != nil {
				return fmt.Errorf("packing %q: %w", in, err)
			}
			if err := writeFileAtomic(out, packed, 0o755); err != nil {
				return fmt.Errorf("writing %q: %w", out, err)
			}
			packReport(cmd.ErrOrStderr(), in, out, st)
			if o.JSON {
				return report.JSON(cmd.OutOrStdout(), struct {
					Input  string `json:"input"`
					Output string `json:"output"`
					pack.Stats
				}{in, out, st})
			}
			return nil
		},
	}
	o.addFlags(cmd.Flags())
	return cmd
}

// packReport writes the human summary of a pack to w.
func packReport(w io.Writer, in, out string, st pack.Stats) {
	var b strings.Builder
	fmt.Fprintf(&b, "packed %s (linux/%s) -> %s\n", in, st.Arch, out)
	fmt.Fprintf(&b, "  original  %9s\n", report.Bytes(st.OriginalSize))
	fmt.Fprintf(&b, "  packed    %9s  %.1f%% of the original (%d B)\n", report.Bytes(st.PackedSize), 100*st.Ratio, st.PackedSize)
	fmt.Fprintf(&b, "    stub    %9s\n", report.Bytes(st.StubSize))
	fmt.Fprintf(&b, "    payload %9s  lzma %s, filter %s\n", report.Bytes(st.PayloadSize), st.LZMA, st.Filter)
	fmt.Fprintf(&b, "    other   %9s  headers, build info, trailer\n", report.Bytes(st.OverheadSize))
	if st.BuildInfo {
		b.WriteString("  build info readable (go version -m)\n")
	}
	fmt.Fprintf(&b, "  took %.1fs\n", st.Duration.Seconds())
	io.WriteString(w, b.String())
}

// writeFileAtomic writes data to path through a temporary file in the same
// directory, renamed over path once complete.
func writeFileAtomic(path string, data []byte, mode os.FileMode) (err error) {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			os.Remove(f.Name())
		}
	}()
	if _, err := f.Write(data); err != nil {
		return errors.Join(err, f.Close())
	}
	if err := f.Chmod(mode); err != nil {
		return errors.Join(err, f.Close())
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(f.Name(), path)
}
