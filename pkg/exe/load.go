package exe

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
)

// ReadFile returns the report of the named file: an executable, which is
// analysed, or a JSON report written by [Report.WriteJSON], which is read
// back. It is what `leve analyze --diff OLD NEW` uses for either side.
func ReadFile(name string) (*Report, error) {
	fh, err := os.Open(name)
	if err != nil {
		return nil, fmt.Errorf("reading report: %w", err)
	}
	defer fh.Close()
	br := bufio.NewReader(fh)
	head, err := br.Peek(4)
	if err != nil && !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("reading report %q: %w", name, err)
	}
	if len(head) > 0 && head[0] != 0x7f {
		r, err := ReadJSON(br)
		if err != nil {
			return nil, fmt.Errorf("reading report %q: %w", name, err)
		}
		return r, nil
	}
	f, err := Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return f.Report()
}
