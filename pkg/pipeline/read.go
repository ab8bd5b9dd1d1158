package pipeline

import (
	"bytes"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/leve-build/leve/pkg/exe"
)

// facts is what the read stage learns about a binary.
type facts struct {
	rep     *exe.Report
	setting map[string]string
	vcsTime time.Time
}

// read analyses a binary with pkg/exe: build info, linking, the bytes per
// package and what it needs at run time.
func read(data []byte) (*facts, error) {
	f, err := exe.NewFile(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("reading binary: %w", err)
	}
	rep, err := f.Report()
	if err != nil {
		return nil, fmt.Errorf("reading binary: %w", err)
	}
	fa := &facts{rep: rep, setting: map[string]string{}}
	for _, s := range rep.Settings {
		fa.setting[s.Key] = s.Value
	}
	if t, err := time.Parse(time.RFC3339, fa.setting["vcs.time"]); err == nil {
		fa.vcsTime = t
	}
	return fa, nil
}

// topPackages returns the n packages owning the most bytes.
func topPackages(r *exe.Report, n int) []PackageReport {
	pkgs := append([]exe.PackageSize(nil), r.Packages...)
	sort.SliceStable(pkgs, func(i, j int) bool { return pkgs[i].Total > pkgs[j].Total })
	out := []PackageReport{}
	for i := 0; i < len(pkgs) && i < n; i++ {
		out = append(out, PackageReport{Path: pkgs[i].Path, Size: pkgs[i].Total})
	}
	return out
}

// needsOf converts the analysis' run-time needs for the report.
func needsOf(r *exe.Report) []Need {
	out := []Need{}
	for _, n := range r.Needs {
		out = append(out, Need{Kind: n.Kind, Evidence: strings.Join(n.Evidence, ", "), Files: n.Files})
	}
	return out
}
