package report

import (
	"io"
	"path/filepath"
	"strings"

	"github.com/leve-build/leve/pkg/lint"
)

// SARIF 2.1.0, the subset leve writes.
type (
	sarifLog struct {
		Schema  string     `json:"$schema"`
		Version string     `json:"version"`
		Runs    []sarifRun `json:"runs"`
	}
	sarifRun struct {
		Tool    sarifTool     `json:"tool"`
		Results []sarifResult `json:"results"`
	}
	sarifTool struct {
		Driver sarifDriver `json:"driver"`
	}
	sarifDriver struct {
		Name           string      `json:"name"`
		InformationURI string      `json:"informationUri"`
		Version        string      `json:"version,omitempty"`
		Rules          []sarifRule `json:"rules"`
	}
	sarifRule struct {
		ID                   string         `json:"id"`
		ShortDescription     sarifText      `json:"shortDescription"`
		Help                 sarifText      `json:"help"`
		DefaultConfiguration sarifConfig    `json:"defaultConfiguration"`
		Properties           sarifRuleProps `json:"properties"`
	}
	sarifRuleProps struct {
		BytesAtStake string `json:"bytesAtStake"`
	}
	sarifConfig struct {
		Level string `json:"level"`
	}
	sarifText struct {
		Text string `json:"text"`
	}
	sarifResult struct {
		RuleID     string          `json:"ruleId"`
		RuleIndex  int             `json:"ruleIndex"`
		Level      string          `json:"level"`
		Message    sarifText       `json:"message"`
		Locations  []sarifLocation `json:"locations"`
		Properties *sarifProps     `json:"properties,omitempty"`
	}
	sarifProps struct {
		Bytes     int64  `json:"bytesAtStake"`
		BytesWhat string `json:"bytesWhat"`
	}
	sarifLocation struct {
		PhysicalLocation sarifPhysical `json:"physicalLocation"`
	}
	sarifPhysical struct {
		ArtifactLocation sarifArtifact `json:"artifactLocation"`
		Region           sarifRegion   `json:"region"`
	}
	sarifArtifact struct {
		URI string `json:"uri"`
	}
	sarifRegion struct {
		StartLine int `json:"startLine"`
		EndLine   int `json:"endLine,omitempty"`
	}
)

// sarifLevel maps a severity to SARIF's level.
func sarifLevel(s lint.Severity) string {
	switch s {
	case lint.Error:
		return "error"
	case lint.Warning:
		return "warning"
	}
	return "note"
}

// LintSARIF writes the result as a SARIF 2.1.0 log with one run: every
// rule in tool.driver.rules and one result per finding, with its ruleId,
// level, message and region (startLine, endLine), for code-scanning UIs.
func LintSARIF(w io.Writer, r *lint.Result, o LintOptions) error {
	rules := lint.Rules()
	index := map[string]int{}
	d := sarifDriver{Name: "leve", InformationURI: "https://github.com/leve-build/leve/blob/main/docs/lint.md", Version: o.Version, Rules: []sarifRule{}}
	for i, ru := range rules {
		index[ru.ID] = i
		d.Rules = append(d.Rules, sarifRule{
			ID: ru.ID, ShortDescription: sarifText{ru.What}, Help: sarifText{"Fix: " + ru.Fix},
			DefaultConfiguration: sarifConfig{sarifLevel(ru.Severity)}, Properties: sarifRuleProps{ru.Bytes},
		})
	}
	uri := filepath.ToSlash(o.File)
	if uri == "-" || uri == "" {
		uri = "Dockerfile"
	}
	uri = strings.TrimPrefix(uri, "./")
	run := sarifRun{Tool: sarifTool{d}, Results: []sarifResult{}}
	for _, f := range r.Findings {
		res := sarifResult{
			RuleID: f.Rule, RuleIndex: index[f.Rule], Level: sarifLevel(f.Severity),
			Message:   sarifText{f.Message + ". Fix: " + f.Fix},
			Locations: []sarifLocation{{sarifPhysical{sarifArtifact{uri}, sarifRegion{StartLine: f.Line, EndLine: max(f.EndLine, f.Line)}}}},
		}
		if f.Bytes > 0 {
			res.Properties = &sarifProps{f.Bytes, f.BytesWhat}
		}
		run.Results = append(run.Results, res)
	}
	return JSON(w, sarifLog{Schema: "https://json.schemastore.org/sarif-2.1.0.json", Version: "2.1.0", Runs: []sarifRun{run}})
}
