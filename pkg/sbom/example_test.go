package sbom_test

import (
	"encoding/json"
	"fmt"
	"runtime/debug"
	"time"

	"github.com/leve-build/leve/pkg/sbom"
)

func ExampleSPDX() {
	info := &debug.BuildInfo{
		GoVersion: "go1.26.8",
		Path:      "example.com/hello",
		Main:      debug.Module{Path: "example.com/hello", Version: "(devel)"},
		Deps: []*debug.Module{
			{Path: "golang.org/x/text", Version: "v0.31.0", Sum: "h1:aC8ghyu4JhP8VojJ2lEHBnochRno1sgL6nEi9WGFGMM="},
		},
	}
	doc, err := sbom.SPDX(info,
		sbom.WithBinaryDigest("sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"),
		sbom.WithPlatform("linux/amd64"),
		sbom.WithCreated(time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)))
	if err != nil {
		panic(err)
	}
	var d struct {
		CreationInfo struct{ Created string }
		Packages     []struct {
			Name         string
			ExternalRefs []struct{ ReferenceLocator string }
		}
	}
	if err := json.Unmarshal(doc, &d); err != nil {
		panic(err)
	}
	fmt.Println(d.CreationInfo.Created)
	for _, p := range d.Packages {
		fmt.Println(p.Name, p.ExternalRefs[0].ReferenceLocator)
	}
	// Output:
	// 2026-01-02T03:04:05Z
	// example.com/hello pkg:golang/example.com/hello
	// golang.org/x/text pkg:golang/golang.org/x/text@v0.31.0
	// stdlib pkg:golang/stdlib@go1.26.8
}
