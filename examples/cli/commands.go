package main

import (
	"bufio"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/spf13/cobra"
	"golang.org/x/sync/errgroup"
	"golang.org/x/term"
	"golang.org/x/text/cases"
	"golang.org/x/text/language"
	"golang.org/x/text/unicode/norm"
)

// newRoot returns the root command with its subcommands.
func newRoot() *cobra.Command {
	root := &cobra.Command{
		Use:           "cli",
		Short:         "count, title-case and normalize text",
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.AddCommand(countCmd(), titleCmd(), normalizeCmd())
	return root
}

// counts is what "cli count" reports.
type counts struct{ lines, words, runes int }

// countCmd counts lines, words and runes of stdin, or of the arguments.
func countCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "count [TEXT...]",
		Short: "count lines, words and runes",
		RunE: func(cmd *cobra.Command, args []string) error {
			in := cmd.InOrStdin()
			if len(args) > 0 {
				in = strings.NewReader(strings.Join(args, " "))
			}
			c, err := count(in)
			if err != nil {
				return err
			}
			_, err = fmt.Fprintf(cmd.OutOrStdout(), "%d lines, %d words, %d runes\n", c.lines, c.words, c.runes)
			return err
		},
	}
}

// count reads r to its end; words are counted on one goroutine and runes on
// another, from the same lines.
func count(r io.Reader) (counts, error) {
	var lines []string
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		lines = append(lines, sc.Text())
	}
	if err := sc.Err(); err != nil {
		return counts{}, err
	}
	c := counts{lines: len(lines)}
	var g errgroup.Group
	g.Go(func() error {
		for _, l := range lines {
			c.words += len(strings.Fields(l))
		}
		return nil
	})
	g.Go(func() error {
		for _, l := range lines {
			c.runes += utf8.RuneCountInString(l)
		}
		return nil
	})
	return c, g.Wait()
}

// titleCmd title-cases its arguments by the rules of --lang.
func titleCmd() *cobra.Command {
	var lang string
	cmd := &cobra.Command{
		Use:   "title TEXT...",
		Short: "title-case text",
		Args:  cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			tag, err := language.Parse(lang)
			if err != nil {
				return fmt.Errorf("--lang %q: %w", lang, err)
			}
			out := cases.Title(tag).String(strings.Join(args, " "))
			if f, ok := cmd.OutOrStdout().(interface{ Fd() uintptr }); ok && term.IsTerminal(int(f.Fd())) {
				out = "\x1b[1m" + out + "\x1b[0m"
			}
			_, err = fmt.Fprintln(cmd.OutOrStdout(), out)
			return err
		},
	}
	cmd.Flags().StringVar(&lang, "lang", "en", "BCP 47 language tag")
	return cmd
}

// normalizeCmd copies stdin to stdout in a Unicode normal form.
func normalizeCmd() *cobra.Command {
	var form string
	cmd := &cobra.Command{
		Use:   "normalize",
		Short: "normalize stdin to NFC, NFD, NFKC or NFKD",
		RunE: func(cmd *cobra.Command, args []string) error {
			forms := map[string]norm.Form{"nfc": norm.NFC, "nfd": norm.NFD, "nfkc": norm.NFKC, "nfkd": norm.NFKD}
			f, ok := forms[strings.ToLower(form)]
			if !ok {
				return fmt.Errorf("--form %q: want nfc, nfd, nfkc or nfkd", form)
			}
			_, err := io.Copy(cmd.OutOrStdout(), f.Reader(cmd.InOrStdin()))
			return err
		},
	}
	cmd.Flags().StringVar(&form, "form", "nfc", "normal form: nfc, nfd, nfkc or nfkd")
	return cmd
}
