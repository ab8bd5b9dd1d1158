package render

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"text/template"
	"time"

	"github.com/leve-build/leve/bench/benchrec"
)

// File is one rendered file: its path relative to the repository root and
// its content.
type File struct {
	Path string
	Data []byte
}

// Files renders every published file from res, reading the templates and
// the documents from the repository at root: docs/benchmarks.md, each of
// BlockFiles with its bench blocks replaced, and docs/bench.svg.
func Files(root string, res *benchrec.Results) ([]File, error) {
	doc, err := Template(filepath.Join(root, "bench", "benchmarks.md.tmpl"), res)
	if err != nil {
		return nil, err
	}
	files := []File{{"docs/benchmarks.md", doc}}
	for _, p := range BlockFiles {
		data, err := os.ReadFile(filepath.Join(root, p))
		if err != nil {
			return nil, err
		}
		data, err = Blocks(data, func(name string) ([]byte, error) {
			return Template(filepath.Join(root, "bench", name+".md.tmpl"), res)
		})
		if err != nil {
			return nil, fmt.Errorf("%s: %w", p, err)
		}
		files = append(files, File{p, data})
	}
	svg, err := Chart(res)
	if err != nil {
		return nil, err
	}
	return append(files, File{"docs/bench.svg", svg}), nil
}

// BlockFiles are the documents, relative to the repository root, whose
// bench blocks Files renders.
var BlockFiles = []string{"README.md", "docs/slim.md", "docs/cli.md"}

// Template renders the text/template file at path with the figures of res
// (see Funcs).
func Template(path string, res *benchrec.Results) ([]byte, error) {
	text, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	t, err := template.New(filepath.Base(path)).Funcs(Funcs(res)).Option("missingkey=error").Parse(string(text))
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if err := t.Execute(&buf, res); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// block matches one "<!-- bench:NAME -->" … "<!-- /bench:NAME -->" block.
var block = regexp.MustCompile(`(?s)(<!-- bench:([a-z0-9-]+) -->\n)(.*?)(<!-- /bench:([a-z0-9-]+) -->)`)

// Blocks replaces the content of every bench block in doc by what body
// returns for its name; a block must close with its own name.
func Blocks(doc []byte, body func(name string) ([]byte, error)) ([]byte, error) {
	var err error
	out := block.ReplaceAllFunc(doc, func(m []byte) []byte {
		sub := block.FindSubmatch(m)
		if string(sub[2]) != string(sub[5]) {
			err = fmt.Errorf("block bench:%s closed by /bench:%s", sub[2], sub[5])
			return m
		}
		b, e := body(string(sub[2]))
		if e != nil {
			err = fmt.Errorf("block bench:%s: %w", sub[2], e)
			return m
		}
		if len(b) > 0 && b[len(b)-1] != '\n' {
			b = append(b, '\n')
		}
		return append(append(append([]byte(nil), sub[1]...), b...), sub[4]...)
	})
	return out, err
}

// Funcs are the template functions: figures looked up in res by
// "SUITE.RECORD" and the formatters.
//
//	r KEY...       the number recorded under KEY, its parts joined (an error when missing)
//	str KEY...     the string recorded under KEY
//	has KEY...     whether KEY was recorded
//	list S...      the strings S as a list, for range
//	B X            X as an integer with thousands separators (1,602,359)
//	f N X          X with N decimals; sf N X the same with a sign
//	pct A B        how much larger A is than B, in percent (+0.03 %)
//	ratio A B      A/B with two decimals; x A B: A/B with one decimal and ×
//	human X        X bytes in kB/MB as leve prints sizes
//	add, sub, mul, div, le, ge, lt, gt: arithmetic and comparisons of numbers
//	verdict BOOL   **met** or **not met**
//	meta SUITE     where and when SUITE ran: commit, date, Go, machine, load
//	commands SUITE the commands SUITE ran, one a line
func Funcs(res *benchrec.Results) template.FuncMap {
	lookup := func(key string) (any, error) {
		v, ok := res.Lookup(key)
		if !ok {
			return nil, fmt.Errorf("no record %q in the results (run bench/run --suite %s)", key, strings.SplitN(key, ".", 2)[0])
		}
		return v, nil
	}
	suite := func(name string) (*benchrec.Suite, error) {
		s, ok := res.Suites[name]
		if !ok {
			return nil, fmt.Errorf("no suite %q in the results (run bench/run --suite %s)", name, name)
		}
		return s, nil
	}
	return template.FuncMap{
		"r": func(parts ...string) (float64, error) {
			key := strings.Join(parts, "")
			v, err := lookup(key)
			if err != nil {
				return 0, err
			}
			f, ok := v.(float64)
			if !ok {
				return 0, fmt.Errorf("record %q is %T, not a number", key, v)
			}
			return f, nil
		},
		"str": func(parts ...string) (string, error) {
			key := strings.Join(parts, "")
			v, err := lookup(key)
			if err != nil {
				return "", err
			}
			s, ok := v.(string)
			if !ok {
				return "", fmt.Errorf("record %q is %T, not a string", key, v)
			}
			return s, nil
		},
		"has":     func(parts ...string) bool { _, ok := res.Lookup(strings.Join(parts, "")); return ok },
		"list":    func(s ...string) []string { return s },
		"B":       comma,
		"f":       fixed,
		"sf":      signed,
		"pct":     pct,
		"ratio":   ratio,
		"x":       times,
		"human":   human,
		"verdict": verdict,
		"add":     func(a, b float64) float64 { return a + b },
		"sub":     func(a, b float64) float64 { return a - b },
		"mul":     func(a, b float64) float64 { return a * b },
		"div": func(a, b float64) (float64, error) {
			if b == 0 {
				return 0, fmt.Errorf("division by zero")
			}
			return a / b, nil
		},
		"le": func(a, b float64) bool { return a <= b },
		"ge": func(a, b float64) bool { return a >= b },
		"lt": func(a, b float64) bool { return a < b },
		"gt": func(a, b float64) bool { return a > b },
		"meta": func(name string) (string, error) {
			s, err := suite(name)
			if err != nil {
				return "", err
			}
			return Meta(s), nil
		},
		"commands": func(name string) (string, error) {
			s, err := suite(name)
			if err != nil {
				return "", err
			}
			return strings.Join(s.Commands, "\n"), nil
		},
	}
}

// Meta is one sentence on where and when s ran.
func Meta(s *benchrec.Suite) string {
	date := s.Date
	if t, err := time.Parse(time.RFC3339, s.Date); err == nil {
		date = t.UTC().Format("2006-01-02 15:04 UTC")
	}
	return fmt.Sprintf("Measured at commit %s on %s with %s: %d CPUs (%s), Linux %s, load average %s at the start; the suite took %s.",
		s.Commit, date, s.Go, s.Machine.CPUs, s.Machine.CPU, s.Machine.Kernel, fixed(1, s.Machine.Load), duration(s.Seconds))
}

// duration formats whole seconds as "42 s" or "12 min 5 s".
func duration(sec float64) string {
	d := time.Duration(sec) * time.Second
	if d < time.Minute {
		return fmt.Sprintf("%d s", int(d.Seconds()))
	}
	return fmt.Sprintf("%d min %d s", int(d.Minutes()), int(d.Seconds())%60)
}
