package dockerfile_test

import (
	"fmt"

	"github.com/leve-build/leve/pkg/dockerfile"
)

func ExampleParse() {
	f, err := dockerfile.Parse([]byte(`ARG GO=1.26.8
FROM golang:${GO}-bookworm AS build
RUN <<EOF
go build -o /out/app .
EOF
FROM scratch
COPY --from=build /out/app /app
ENTRYPOINT ["/app"]
`))
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, st := range f.Stages {
		fmt.Printf("stage %d %q FROM %s (line %d)\n", st.Index, st.Name, st.Base, st.From.Line)
		for _, in := range st.Instructions {
			fmt.Printf("  %s lines %d-%d, exec form %v\n", in.Command, in.Line, in.EndLine, in.JSON)
		}
	}
	// Output:
	// stage 0 "build" FROM golang:${GO}-bookworm (line 2)
	//   RUN lines 3-5, exec form false
	// stage 1 "" FROM scratch (line 6)
	//   COPY lines 7-7, exec form false
	//   ENTRYPOINT lines 8-8, exec form true
}
