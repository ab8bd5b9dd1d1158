// Command cli is a text tool with many dependencies (cobra and pflag,
// golang.org/x/text, golang.org/x/term, golang.org/x/sync): it counts the
// words, lines and runes of its input, title-cases text by language rules,
// and normalizes Unicode.
//
//	cli count < notes.txt
//	cli title --lang pt "o dia da independência"
//	cli normalize --form nfc < in.txt
package main

import (
	"fmt"
	"os"
)

func main() {
	if err := newRoot().Execute(); err != nil {
		fmt.Fprintln(os.Stderr, "cli:", err)
		os.Exit(1)
	}
}
