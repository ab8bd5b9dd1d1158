package report

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/leve-build/leve/pkg/lint"
)

// seedResult lints the seed tutorial's Dockerfile.
func seedResult(t *testing.T) *lint.Result {
	t.Helper()
	r, err := lint.LintFile(context.Background(), "../../examples/hello/Dockerfile.seed", lint.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Findings) < 10 {
		t.Fatalf("the seed has %d findings, want every flaw", len(r.Findings))
	}
	return r
}

// sarifSchema compiles the SARIF 2.1.0 schema committed in testdata (from
// github.com/oasis-tcs/sarif-spec, sarif-2.1/schema/sarif-schema-2.1.0.json).
func sarifSchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	f, err := os.Open("testdata/sarif-schema-2.1.0.json")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	doc, err := jsonschema.UnmarshalJSON(f)
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	if err := c.AddResource("sarif-schema-2.1.0.json", doc); err != nil {
		t.Fatal(err)
	}
	s, err := c.Compile("sarif-schema-2.1.0.json")
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func validate(s *jsonschema.Schema, data []byte) error {
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
	if err != nil {
		return err
	}
	return s.Validate(inst)
}

func TestLintSARIFValidates(t *testing.T) {
	s := sarifSchema(t)
	r := seedResult(t)
	var out bytes.Buffer
	if err := LintSARIF(&out, r, LintOptions{File: "examples/hello/Dockerfile.seed", Version: "v0.0.0-test"}); err != nil {
		t.Fatal(err)
	}
	if err := validate(s, out.Bytes()); err != nil {
		t.Fatalf("leve's SARIF does not validate against SARIF 2.1.0: %v\n%s", err, out.String())
	}
	var log struct {
		Version string
		Runs    []struct {
			Tool struct {
				Driver struct {
					Rules []struct{ ID string }
				}
			}
			Results []struct {
				RuleID    string
				RuleIndex int
				Level     string
				Locations []struct {
					PhysicalLocation struct {
						ArtifactLocation struct{ URI string }
						Region           struct{ StartLine int }
					}
				}
			}
		}
	}
	if err := json.Unmarshal(out.Bytes(), &log); err != nil {
		t.Fatal(err)
	}
	if log.Version != "2.1.0" || len(log.Runs) != 1 || len(log.Runs[0].Results) != len(r.Findings) {
		t.Fatalf("SARIF log: version %q, %d runs; want 2.1.0, one run with %d results", log.Version, len(log.Runs), len(r.Findings))
	}
	run := log.Runs[0]
	for i, res := range run.Results {
		f := r.Findings[i]
		if res.RuleID != f.Rule || run.Tool.Driver.Rules[res.RuleIndex].ID != f.Rule {
			t.Errorf("result %d: ruleId %q ruleIndex %d, want %s", i, res.RuleID, res.RuleIndex, f.Rule)
		}
		if len(res.Locations) != 1 || res.Locations[0].PhysicalLocation.Region.StartLine != f.Line || res.Locations[0].PhysicalLocation.ArtifactLocation.URI != "examples/hello/Dockerfile.seed" {
			t.Errorf("result %d (%s): locations %+v, want the file at line %d", i, f.Rule, res.Locations, f.Line)
		}
		want := map[lint.Severity]string{lint.Error: "error", lint.Warning: "warning", lint.Info: "note"}[f.Severity]
		if res.Level != want {
			t.Errorf("result %d: level %q, want %q", i, res.Level, want)
		}
	}
}

// TestSARIFSchemaRejects shows the validation can fail: the same log with
// a level SARIF does not define, or without its version, is refused.
func TestSARIFSchemaRejects(t *testing.T) {
	s := sarifSchema(t)
	var out bytes.Buffer
	if err := LintSARIF(&out, seedResult(t), LintOptions{File: "Dockerfile"}); err != nil {
		t.Fatal(err)
	}
	for name, bad := range map[string]string{
		"level":   strings.Replace(out.String(), `"level": "warning"`, `"level": "warn"`, 1),
		"version": strings.Replace(out.String(), `"version": "2.1.0"`, `"version": "2.0"`, 1),
	} {
		if bad == out.String() {
			t.Fatalf("%s: nothing replaced", name)
		}
		if err := validate(s, []byte(bad)); err == nil {
			t.Errorf("a SARIF log with a bad %s validated", name)
		}
	}
}

func TestLintTextJSONMarkdown(t *testing.T) {
	r := seedResult(t)
	o := LintOptions{File: "Dockerfile.seed"}
	var text, js, md bytes.Buffer
	if err := LintText(&text, r, o); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"Dockerfile.seed:10: error output-named-source: ",
		"Dockerfile.seed:14: warning chmod-copy: ",
		"    at stake: 3.60 MB, alpine 3.20's published compressed size",
		"Dockerfile.seed: 1 error, 10 warnings, 1 info; 3.60 MB at stake, summed over the findings that know their bytes\n",
	} {
		if !strings.Contains(text.String(), want) {
			t.Errorf("text output lacks %q:\n%s", want, text.String())
		}
	}
	if err := LintJSON(&js, r, o); err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Schema   string
		Findings []struct {
			Rule, Severity string
			Line           int
		}
		Summary struct{ Errors, Warnings, Infos int }
	}
	if err := json.Unmarshal(js.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Schema != LintSchema || len(doc.Findings) != len(r.Findings) || doc.Summary.Errors != 1 || doc.Findings[0].Line != r.Findings[0].Line {
		t.Errorf("JSON = %+v", doc)
	}
	if err := LintMarkdown(&md, r, o); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(md.String(), "| 10 | error | `output-named-source` |") || strings.Count(md.String(), "\n| ") != len(r.Findings)+1 {
		t.Errorf("markdown:\n%s", md.String())
	}
}
