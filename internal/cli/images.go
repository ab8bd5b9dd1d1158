package cli

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/leve-build/leve/internal/report"
	"github.com/leve-build/leve/pkg/store"
)

func newImagesCmd() *cobra.Command {
	var (
		asJSON, quiet bool
		filters       []string
	)
	cmd := &cobra.Command{
		Use:   "images [flags] [NAME[:TAG]]",
		Short: "List the images of the local store (./leve-out)",
		Long: `Images lists the images leve build wrote into the local store, ./leve-out: one
OCI image layout per image name at ./leve-out/NAME, each tag an entry of its
index.json (docs/store.md). For each: repository, tag, short digest, created,
pull size (what a registry client downloads: manifests, config, compressed
layers), size on disk and, for an index, its platforms. Newest first; the
total counts every blob file once, however many tags share it.

NAME lists every tag of NAME, NAME:TAG that one. A bare NAME[:TAG] given to a
command that reads an image (--base) is looked up here first, then taken as
a registry reference; "leve images prune" removes what no tag uses.`,
		Example: `  leve build -t app-go:1.0 app.go
  leve images
  leve images app-go
  leve images --filter 'reference=app-*' --json
  leve images -q`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			var match []func(store.Image) bool
			if len(args) == 1 {
				match = append(match, store.MatchName(args[0]))
			}
			for _, f := range filters {
				k, v, ok := strings.Cut(f, "=")
				if !ok || k != "reference" {
					return usageError{fmt.Errorf("--filter %s: leve images filters by reference=PATTERN only, e.g. --filter 'reference=app-*'", f)}
				}
				m, err := store.MatchReference(v)
				if err != nil {
					return usageError{err}
				}
				match = append(match, m)
			}
			ls, err := store.Store{}.List(func(im store.Image) bool {
				for _, m := range match {
					if !m(im) {
						return false
					}
				}
				return true
			})
			if err != nil {
				return err
			}
			if ls.Images == nil {
				ls.Images = []store.Image{}
			}
			switch {
			case asJSON:
				return report.JSON(cmd.OutOrStdout(), ls)
			case quiet:
				for _, im := range ls.Images {
					if _, err := fmt.Fprintln(cmd.OutOrStdout(), im.Digest); err != nil {
						return err
					}
				}
				return nil
			}
			return writeImages(cmd.OutOrStdout(), ls)
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the listing as JSON (camelCase keys)")
	cmd.Flags().BoolVarP(&quiet, "quiet", "q", false, "print only the digests, one a line")
	cmd.Flags().StringArrayVarP(&filters, "filter", "f", nil, "list only images whose name or NAME:TAG matches, e.g. reference=app-*")
	cmd.MarkFlagsMutuallyExclusive("json", "quiet")
	cmd.AddCommand(newImagesPruneCmd())
	return cmd
}

// writeImages renders the listing as docker images does, with a total.
func writeImages(w io.Writer, ls store.Listing) error {
	tw := tabwriter.NewWriter(w, 0, 4, 3, ' ', 0)
	fmt.Fprintln(tw, "REPOSITORY\tTAG\tDIGEST\tCREATED\tPULL SIZE\tDISK SIZE\tPLATFORMS")
	for _, im := range ls.Images {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", im.Repository, im.Tag, shortDigest(im.Digest.Hex),
			im.Created.UTC().Format("2006-01-02 15:04:05"), report.Bytes(im.PullSize), report.Bytes(im.DiskSize), strings.Join(im.Platforms, ","))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	_, err := fmt.Fprintf(w, "total: %d images, %s on disk (shared blobs counted once)\n", len(ls.Images), report.Bytes(ls.TotalDisk))
	return err
}

func shortDigest(hex string) string {
	if len(hex) > 12 {
		return hex[:12]
	}
	return hex
}

func newImagesPruneCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "prune",
		Short: "Remove untagged content from the local store",
		Long: `Prune removes, in every layout of the local store, leve's referrers (SBOMs)
whose image is gone and the blobs no entry reaches, each layout locked while
it is changed. Entries other tools wrote, tagged or not, stay.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			rm, err := store.Store{}.Prune(cmd.Context())
			for _, b := range rm.Blobs {
				fmt.Fprintf(cmd.OutOrStdout(), "Deleted: %s\n", b)
			}
			if err != nil {
				return err
			}
			_, err = fmt.Fprintf(cmd.OutOrStdout(), "pruned %d entries and %d blobs\n", len(rm.Entries), len(rm.Blobs))
			return err
		},
	}
}
