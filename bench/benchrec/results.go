package benchrec

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"sort"
)

// Results is the committed results file (bench/results.json): the last
// run of every suite.
type Results struct {
	Suites map[string]*Suite `json:"suites"`
}

// Suite is one suite's last run: where and when it ran, the commands it
// ran, and what they recorded.
type Suite struct {
	Machine  Machine        `json:"machine"`
	Date     string         `json:"date"`   // UTC, RFC 3339, start of the run
	Commit   string         `json:"commit"` // short hash, "+dirty" when the tree had changes
	Go       string         `json:"go"`     // go version of the toolchain
	Seconds  float64        `json:"seconds"`
	Commands []string       `json:"commands"`
	Records  map[string]any `json:"records"`
}

// Machine describes the computer a suite ran on.
type Machine struct {
	CPUs   int     `json:"nproc"`
	CPU    string  `json:"cpu"`
	Kernel string  `json:"kernel"`
	Load   float64 `json:"load"` // one-minute load average at the start
}

// ReadResults reads a results file; a missing file is empty Results.
func ReadResults(path string) (*Results, error) {
	r := &Results{Suites: map[string]*Suite{}}
	data, err := os.ReadFile(path)
	if os.IsNotExist(err) {
		return r, nil
	}
	if err != nil {
		return nil, err
	}
	if err := json.Unmarshal(data, r); err != nil {
		return nil, fmt.Errorf("parsing %s: %w", path, err)
	}
	if r.Suites == nil {
		r.Suites = map[string]*Suite{}
	}
	return r, nil
}

// Marshal encodes r deterministically (sorted keys, two-space indent,
// trailing newline).
func (r *Results) Marshal() ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(r); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// Names are the suites r holds, sorted.
func (r *Results) Names() []string {
	var names []string
	for n := range r.Suites {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// Lookup finds the record "SUITE.KEY" ("pull.hello.leve"): suite SUITE's
// record KEY.
func (r *Results) Lookup(key string) (any, bool) {
	for i := 0; i < len(key); i++ {
		if key[i] != '.' {
			continue
		}
		s, ok := r.Suites[key[:i]]
		if !ok {
			return nil, false
		}
		v, ok := s.Records[key[i+1:]]
		return v, ok
	}
	return nil, false
}
