package cli

import (
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/leve-build/leve/pkg/publish"
	"github.com/leve-build/leve/pkg/store"
)

func newRmiCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "rmi NAME[:TAG]...",
		Short: "Remove images from the local store (./leve-out)",
		Long: `Rmi removes each NAME[:TAG] (tag "latest" by default) from the local store:
its entry in ./leve-out/NAME/index.json, leve's SBOMs of it, and the blobs no
remaining entry of that layout uses, with the layout locked so that builds
running at the same time are safe. It goes on with the other names when one
is missing, and fails at the end.`,
		Example: `  leve rmi app-go:1.0
  leve rmi hello api:1.2`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			var errs []error
			for _, a := range args {
				if _, err := publish.ParseRef(a); err != nil {
					errs = append(errs, err)
					continue
				}
				rm, err := store.Store{}.Remove(cmd.Context(), a)
				if len(rm.Entries) > 0 {
					r, _ := publish.ParseRef(a)
					fmt.Fprintf(cmd.OutOrStdout(), "Untagged: %s\n", r)
				}
				for _, b := range rm.Blobs {
					fmt.Fprintf(cmd.OutOrStdout(), "Deleted: %s\n", b)
				}
				if err != nil {
					errs = append(errs, err)
				}
			}
			if len(errs) > 0 {
				return errors.Join(errs...)
			}
			return nil
		},
	}
}
