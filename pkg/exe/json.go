package exe

import (
	"encoding/json"
	"fmt"
	"io"
)

// WriteJSON writes the report as indented JSON in the [Schema] layout.
func (r *Report) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if err := enc.Encode(r); err != nil {
		return fmt.Errorf("writing analysis JSON: %w", err)
	}
	return nil
}

// maxJSONSize bounds the JSON report ReadJSON reads: the report of the
// largest executables is a few MB. A variable for the tests.
var maxJSONSize int64 = 256 << 20

// ReadJSON reads a report written by [Report.WriteJSON], of at most 256 MiB.
// It fails with [ErrSchema] when the schema identifier is not [Schema].
func ReadJSON(rd io.Reader) (*Report, error) {
	var r Report
	lr := &io.LimitedReader{R: rd, N: maxJSONSize + 1}
	dec := json.NewDecoder(lr)
	if err := dec.Decode(&r); err != nil {
		if lr.N <= 0 {
			return nil, fmt.Errorf("reading analysis JSON: more than %d MiB, larger than any report", maxJSONSize>>20)
		}
		return nil, fmt.Errorf("reading analysis JSON: %w", err)
	}
	if r.Schema != Schema {
		return nil, fmt.Errorf("reading analysis JSON: %w %q, want %q", ErrSchema, r.Schema, Schema)
	}
	return &r, nil
}
