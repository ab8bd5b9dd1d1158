package report

import (
	"errors"
	"io"

	"github.com/leve-build/leve/pkg/exe"
)

// AnalyzeHTML writes one self-contained HTML page of an analysis.
func AnalyzeHTML(w io.Writer, r *exe.Report, o AnalyzeOptions) error {
	return errors.New("the HTML report is not available in this build")
}
