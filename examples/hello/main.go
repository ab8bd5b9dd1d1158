// Command hello is the seed tutorial's greeting program, kept to its words:
// it asks "Qual é o seu nome:?" and answers "Oi, NAME! Eu sou a linguagem Go!".
//
// Unlike the seed's fmt.Scanln, it reads a whole line, so "Maria Silva" is one
// name; UTF-8 names such as "João" pass through unchanged; a trailing "\r\n"
// is trimmed; and end of input with no name gets a polite answer instead of an
// empty greeting.
package main

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"strings"
)

func main() {
	if err := greet(os.Stdin, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "hello:", err)
		os.Exit(1)
	}
}

// greet writes the seed's question to w, reads one line from r and answers
// on w. It returns an error only when r or w fail, never for empty input.
func greet(r io.Reader, w io.Writer) error {
	if _, err := fmt.Fprintln(w, "Qual é o seu nome:? "); err != nil {
		return err
	}
	line, err := bufio.NewReader(r).ReadString('\n')
	if err != nil && err != io.EOF {
		return err
	}
	name := strings.TrimSpace(line)
	if name == "" {
		_, err = fmt.Fprintln(w, "Oi! Eu sou a linguagem Go!")
		return err
	}
	_, err = fmt.Fprintf(w, "Oi, %s! Eu sou a linguagem Go!\n", name)
	return err
}
