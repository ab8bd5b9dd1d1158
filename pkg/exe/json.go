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

// ReadJSON reads a report written by [Report.WriteJSON]. It fails with
// [ErrSchema] when the schema identifier is not [Schema].
func ReadJSON(rd io.Reader) (*Report, error) {
	var r Report
	dec := json.NewDecoder(rd)
	if err := dec.Decode(&r); err != nil {
		return nil, fmt.Errorf("reading analysis JSON: %w", err)
	}
	if r.Schema != Schema {
		return nil, fmt.Errorf("reading analysis JSON: %w %q, want %q", ErrSchema, r.Schema, Schema)
	}
	return &r, nil
}
