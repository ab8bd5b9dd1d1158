package lint_test

import (
	"context"
	"fmt"

	"github.com/leve-build/leve/pkg/lint"
)

func ExampleLint() {
	src := []byte(`FROM golang:1.26.8-bookworm AS build
WORKDIR /src
COPY . .
RUN go build -o /out/app .
FROM alpine:3.20.3
COPY --from=build /out/app /app
RUN chmod 755 /app
USER 65532:65532
ENTRYPOINT ["/app"]
`)
	r, err := lint.Lint(context.Background(), src, lint.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, f := range r.Findings {
		fmt.Printf("line %d: %s %s\n", f.Line, f.Severity, f.Rule)
	}
	// Output:
	// line 1: info pin-digest
	// line 4: warning cgo-static-base
	// line 4: warning unstripped
	// line 5: warning distro-base
	// line 5: info pin-digest
	// line 7: warning chmod-copy
}
