package cli

import (
	"context"
	"fmt"
	"io"
	"math"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/leve-build/leve/internal/report"
	"github.com/leve-build/leve/pkg/cache"
)

// defaultPruneAge is how long "leve cache prune" keeps unused entries.
const defaultPruneAge = 7 * 24 * time.Hour

// cacheMaxEnv bounds the cache: after each build, the least recently used
// entries are removed until it holds at most this size.
const cacheMaxEnv = "LEVE_CACHE_MAX"

// cacheKindNames are what "leve cache" calls each kind of entry.
var cacheKindNames = map[string]string{cache.KindBinaries: "binaries", cache.KindPacked: "packed", cache.KindLayers: "layers", cache.KindChunks: "chunks"}

func newCacheCmd() *cobra.Command {
	var asJSON bool
	du := func(cmd *cobra.Command, _ []string) error {
		dir := cacheDir()
		if dir == "" {
			return noCache(cmd, asJSON)
		}
		u, err := cache.Measure(cmd.Context(), dir)
		if err != nil {
			return err
		}
		if asJSON {
			return report.JSON(cmd.OutOrStdout(), u)
		}
		return writeUsage(cmd.OutOrStdout(), u)
	}
	cmd := &cobra.Command{
		Use:   "cache",
		Short: "Show and prune leve's cache of binaries, packed binaries and layers",
		Long: `leve keeps what is slow to make between builds in a cache: the binaries go
build links (bin/), packed binaries (packed/, leve build --pack) and compressed
layers (layers/). It lives in $LEVE_CACHE, else in the user cache directory
($XDG_CACHE_HOME/leve or ~/.cache/leve); LEVE_CACHE= (empty) disables it.

Every entry is checked against the digest recorded when it was written before
it is used: a damaged one is removed with a warning and made again, so a build
gives the same digest as with an empty cache. Entries are written atomically,
and concurrent leve processes may share the cache.

"leve cache" (or "leve cache du") shows where the cache is and its size per
kind. "leve cache prune" removes the entries not used for --older-than (7
days by default), or every entry with --all. Set LEVE_CACHE_MAX (e.g. 2GB) to
have each build remove the least recently used entries beyond that size.`,
		Example: `  # Where the cache is and what it holds
  leve cache

  # Remove entries unused for two days, or everything
  leve cache prune --older-than 48h
  leve cache prune --all

  # Keep the cache under 2 GB, pruned after every build
  export LEVE_CACHE_MAX=2GB`,
		Args: cobra.NoArgs,
		RunE: du,
	}
	cmd.PersistentFlags().BoolVar(&asJSON, "json", false, "print the result as JSON on stdout")
	cmd.AddCommand(&cobra.Command{
		Use:   "du",
		Short: "Show where the cache is and its size per kind (the default)",
		Example: `  leve cache du
  LEVE_CACHE=/tmp/ci-cache leve cache du --json`,
		Args: cobra.NoArgs,
		RunE: du,
	})
	cmd.AddCommand(newCachePruneCmd(&asJSON))
	return cmd
}

func newCachePruneCmd(asJSON *bool) *cobra.Command {
	var olderThan string
	var all bool
	cmd := &cobra.Command{
		Use:   "prune [flags]",
		Short: "Remove cache entries not used recently, or all of them",
		Long: `Prune removes the cache entries not used for --older-than (default 168h, 7
days; units h, m, s, or d for days), or every entry with --all. An entry's
last use is the newer of its files' modification and access times; leve marks
the binaries and packed binaries it reuses.

Prune is safe while other leve processes run: a binary another build is
linking or reading is kept (it is locked), and so is a temporary file written
in the last 10 minutes. Only the cache's bin, packed and layers directories are
touched. It prints what it removed and what is left; --json prints the same as
JSON.`,
		Example: `  leve cache prune
  leve cache prune --older-than 24h
  leve cache prune --older-than 30d --json
  leve cache prune --all`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			age, err := parseAge(olderThan)
			if err != nil {
				return usageError{fmt.Errorf("--older-than %q: %w", olderThan, err)}
			}
			if all && cmd.Flags().Changed("older-than") {
				return usageError{fmt.Errorf("--all and --older-than contradict each other: give one")}
			}
			dir := cacheDir()
			if dir == "" {
				return noCache(cmd, *asJSON)
			}
			res, err := cache.Prune(cmd.Context(), dir, cache.PruneOptions{OlderThan: age, All: all})
			if *asJSON {
				if jerr := report.JSON(cmd.OutOrStdout(), struct {
					Dir string `json:"dir"`
					cache.PruneResult
				}{dir, res}); jerr != nil {
					return jerr
				}
			} else {
				writePrune(cmd.OutOrStdout(), dir, res)
			}
			return err
		},
	}
	cmd.Flags().StringVar(&olderThan, "older-than", "168h", "remove entries not used for this long (e.g. 48h, 30d)")
	cmd.Flags().BoolVar(&all, "all", false, "remove every entry")
	return cmd
}

// noCache reports that the cache is disabled.
func noCache(cmd *cobra.Command, asJSON bool) error {
	if asJSON {
		return report.JSON(cmd.OutOrStdout(), struct {
			Dir      string `json:"dir"`
			Disabled bool   `json:"disabled"`
		}{"", true})
	}
	_, err := fmt.Fprintln(cmd.OutOrStdout(), "no cache: LEVE_CACHE is set and empty, which disables it")
	return err
}

// writeUsage writes the human form of u.
func writeUsage(w io.Writer, u cache.Usage) error {
	var b strings.Builder
	fmt.Fprintf(&b, "cache %s\n", u.Dir)
	for _, k := range u.Kinds {
		fmt.Fprintf(&b, "  %-9s %9s  %-11s  %s\n", cacheKindNames[k.Kind], report.Bytes(k.Bytes), entries(k.Entries), k.Dir)
	}
	fmt.Fprintf(&b, "  %-9s %9s\n", "total", report.Bytes(u.Bytes))
	_, err := io.WriteString(w, b.String())
	return err
}

// writePrune writes the human form of res.
func writePrune(w io.Writer, dir string, res cache.PruneResult) {
	fmt.Fprintf(w, "removed %s (%s) from %s; %s left (%s)", entries(res.Removed), report.Bytes(res.Freed), dir, entries(res.Kept), report.Bytes(res.Bytes))
	if res.Busy > 0 {
		fmt.Fprintf(w, ", %d in use by another leve process", res.Busy)
	}
	fmt.Fprintln(w)
}

func entries(n int) string {
	if n == 1 {
		return "1 entry"
	}
	return fmt.Sprintf("%d entries", n)
}

// parseAge parses a Go duration, or a whole number of days ("30d").
func parseAge(s string) (time.Duration, error) {
	var d time.Duration
	var err error
	if days, ok := strings.CutSuffix(s, "d"); ok {
		var n int64
		n, err = strconv.ParseInt(days, 10, 64)
		if err == nil && (n < 0 || n > math.MaxInt64/int64(24*time.Hour)) {
			err = fmt.Errorf("out of range")
		}
		d = time.Duration(n) * 24 * time.Hour
	} else {
		d, err = time.ParseDuration(s)
	}
	if err != nil || d < 0 {
		return 0, fmt.Errorf("not a duration: write e.g. 168h, 90m or 7d")
	}
	return d, nil
}

// sizeUnits are the suffixes parseSize accepts, longest first.
var sizeUnits = []struct {
	suffix string
	mult   int64
}{
	{"KiB", 1 << 10}, {"MiB", 1 << 20}, {"GiB", 1 << 30}, {"TiB", 1 << 40},
	{"kB", 1e3}, {"KB", 1e3}, {"MB", 1e6}, {"GB", 1e9}, {"TB", 1e12},
	{"K", 1e3}, {"M", 1e6}, {"G", 1e9}, {"T", 1e12}, {"B", 1},
}

// parseSize parses a positive size such as 2GB, 500MiB or 1000000.
func parseSize(s string) (int64, error) {
	num, mult := strings.TrimSpace(s), int64(1)
	for _, u := range sizeUnits {
		if n, ok := strings.CutSuffix(num, u.suffix); ok {
			num, mult = strings.TrimSpace(n), u.mult
			break
		}
	}
	v, err := strconv.ParseFloat(num, 64)
	if err != nil || v <= 0 || math.IsInf(v, 0) || v*float64(mult) >= math.MaxInt64 {
		return 0, fmt.Errorf("%q is not a size: write e.g. 2GB, 500MiB or a number of bytes", s)
	}
	return int64(v * float64(mult)), nil
}

// cacheMax returns the bound LEVE_CACHE_MAX sets, 0 for none.
func cacheMax() (int64, error) {
	s := os.Getenv(cacheMaxEnv)
	if s == "" {
		return 0, nil
	}
	n, err := parseSize(s)
	if err != nil {
		return 0, usageError{fmt.Errorf("%s=%s: %w", cacheMaxEnv, s, err)}
	}
	return n, nil
}

// boundCache removes the least recently used cache entries beyond max
// bytes, and says so on stderr. A cache that cannot be pruned only costs
// disk space: the failure is a note, not an error.
func boundCache(ctx context.Context, max int64, stderr io.Writer) {
	dir := cacheDir()
	if max <= 0 || dir == "" {
		return
	}
	res, err := cache.Prune(ctx, dir, cache.PruneOptions{OlderThan: math.MaxInt64, MaxBytes: max})
	if err != nil {
		fmt.Fprintf(stderr, "leve: note: keeping the cache under %s=%s: %v\n", cacheMaxEnv, os.Getenv(cacheMaxEnv), err)
		return
	}
	if res.Removed > 0 {
		fmt.Fprintf(stderr, "cache: removed %s (%s) to stay under %s=%s; %s left\n", entries(res.Removed), report.Bytes(res.Freed), cacheMaxEnv, os.Getenv(cacheMaxEnv), report.Bytes(res.Bytes))
	}
}
