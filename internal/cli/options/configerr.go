package options

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/leve-build/leve/pkg/assemble"
	"github.com/leve-build/leve/pkg/pipeline"
)

var (
	unknownField = regexp.MustCompile(`^line (\d+): field (.+) not found in type \S+$`)
	wrongType    = regexp.MustCompile("^line (\\d+): cannot unmarshal !!(\\w+)(?: `(.*)`)? into (\\S+)$")
	yamlLineNo   = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)
)

// typeNames say in leve.yaml's terms what a Go type of AppConfig holds.
var typeNames = map[string]string{"[]string": "a list", "map[string]string": "a map of KEY: VALUE", "string": "a string",
	"options.AppConfig": "a map of settings", "map[string]options.AppConfig": "a map of apps"}

var yamlKinds = map[string]string{"str": "a string", "int": "a number", "float": "a number", "bool": "a boolean", "seq": "a list", "map": "a map", "null": "empty"}

// configError turns a yaml.v3 decoding error of leve.yaml at file into
// one line per file: every problem with its line, in leve.yaml's terms
// (an unknown key, a list where a string was wanted), then where the keys
// are described.
func configError(file string, err error) error {
	var problems []string
	var te *yaml.TypeError
	if errors.As(err, &te) {
		for _, e := range te.Errors {
			switch m := unknownField.FindStringSubmatch(e); {
			case m != nil:
				problems = append(problems, fmt.Sprintf("line %s: unknown key %q", m[1], m[2]))
			case wrongType.MatchString(e):
				m := wrongType.FindStringSubmatch(e)
				want, ok := typeNames[m[4]]
				if !ok {
					want = m[4]
				}
				got, ok := yamlKinds[m[2]]
				if !ok {
					got = "!!" + m[2]
				}
				if m[3] != "" {
					got = m[3] + " is " + got
				}
				problems = append(problems, fmt.Sprintf("line %s: %s, want %s", m[1], got, want))
			default:
				problems = append(problems, e)
			}
		}
	} else if m := yamlLineNo.FindStringSubmatch(err.Error()); m != nil {
		line, _ := strconv.Atoi(m[1])
		if strings.HasPrefix(m[2], "did not find expected") {
			line++ // yaml.v3's parser counts these lines from 0
		}
		problems = append(problems, fmt.Sprintf("line %d: %s", line, m[2]))
	} else {
		problems = append(problems, strings.TrimPrefix(err.Error(), "yaml: "))
	}
	return configProblems(file, problems)
}

// configProblems is the one-line error of leve.yaml at file with its
// problems.
func configProblems(file string, problems []string) error {
	return fmt.Errorf("%s: %s; leve.yaml holds defaults: and apps:, each with the keys %s (see docs/config.md)", file, strings.Join(problems, "; "), strings.Join(configKeys, ", "))
}

// choices check leve.yaml's settings that name one of a few values, with
// the parsers of the flags of the same name: what each wants, or "".
var choices = map[string]func(string) string{
	"sbom": func(s string) string {
		if _, ok := pipeline.ParseSBOMFormat(s); !ok {
			return "want spdx, cyclonedx or none"
		}
		return ""
	},
	"compression": func(s string) string {
		if _, err := assemble.ParseCompression(s); err != nil {
			return "want gzip or zstd"
		}
		return ""
	},
	"level": func(s string) string {
		if _, err := assemble.ParseLevel(s); err != nil {
			return "want fast, default or max"
		}
		return ""
	},
}

// choiceProblems returns, with their lines, the settings of defaults: and
// of each app in leve.yaml's document that name a value their flag
// refuses; an empty value leaves the setting unset and is not checked.
func choiceProblems(doc *yaml.Node) []string {
	var problems []string
	app := func(m *yaml.Node) {
		for i := 0; m.Kind == yaml.MappingNode && i+1 < len(m.Content); i += 2 {
			k, v := m.Content[i], m.Content[i+1]
			if check, ok := choices[k.Value]; ok && v.Kind == yaml.ScalarNode && v.Value != "" {
				if want := check(v.Value); want != "" {
					problems = append(problems, fmt.Sprintf("line %d: %s %q: %s", v.Line, k.Value, v.Value, want))
				}
			}
		}
	}
	if doc.Kind != yaml.DocumentNode || len(doc.Content) == 0 {
		return nil
	}
	root := doc.Content[0]
	for i := 0; root.Kind == yaml.MappingNode && i+1 < len(root.Content); i += 2 {
		switch k, v := root.Content[i], root.Content[i+1]; k.Value {
		case "defaults":
			app(v)
		case "apps":
			for j := 1; v.Kind == yaml.MappingNode && j < len(v.Content); j += 2 {
				app(v.Content[j])
			}
		}
	}
	return problems
}

// configKeys are the keys of defaults and of each app.
var configKeys = []string{"base", "platforms", "ldflags", "gcflags", "tags", "env", "labels", "ports", "add", "user", "compression", "level", "sbom"}
