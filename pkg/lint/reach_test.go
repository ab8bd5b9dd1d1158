package lint

import (
	"context"
	"fmt"
	"strings"
	"testing"
)

// TestReachManyStages lints a Dockerfile whose stages each copy the one
// before twice, the binary built in the first: without the bound on the
// paths followed this takes 2^60 steps; with it, the binary still counts
// as shipped.
func TestReachManyStages(t *testing.T) {
	var b strings.Builder
	b.WriteString("FROM golang:1.26.8-bookworm AS s0\nRUN GOBIN=/out go install example.com/app@v1.0.0\n")
	for i := 1; i < 60; i++ {
		fmt.Fprintf(&b, "FROM busybox:1.36.1 AS s%d\nCOPY --from=s%d / /a/\nCOPY --from=s%d / /b\n", i, i-1, i-1)
	}
	r, err := Lint(context.Background(), []byte(b.String()), Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range r.Findings {
		if f.Rule == "unstripped" && f.Line == 2 {
			return
		}
	}
	t.Errorf("findings %+v: want unstripped at line 2", r.Findings)
}

// TestBinaryName checks the names go install gives binaries.
func TestBinaryName(t *testing.T) {
	for pkg, want := range map[string]string{
		"github.com/google/go-licenses@v1.6.0":                             "go-licenses",
		"gotest.tools/gotestsum/v2@latest":                                 "gotestsum",
		`"github.com/josephspurrier/goversioninfo/cmd/goversioninfo@${V}"`: "goversioninfo",
		"./cmd/server":   "server",
		".":              "",
		"./...":          "",
		"example.com/$X": "",
	} {
		if got := binaryName(pkg); got != want {
			t.Errorf("binaryName(%q) = %q, want %q", pkg, got, want)
		}
	}
}
