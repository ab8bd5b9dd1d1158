package dockerfile

import (
	"errors"
	"testing"
)

func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"FROM golang:1.26.8 AS build\nRUN go build -o /out/app .\nFROM scratch\nCOPY --from=build /out/ /\n",
		"# escape=`\nFROM a\nRUN echo `\n  b\n",
		"ARG A=1\nFROM a:${A}\nRUN <<EOF\necho\nEOF\n",
		"FROM a\nONBUILD COPY <<X /f\nx\nX\n",
		"FROM a\nENV A=1 B=2\nLABEL x=y\nCMD [\"a\", \"b\"]\n",
		"FROM a\nRUN a \\\n# c\n\n b\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		file, err := Parse(src)
		if err != nil {
			var pe *ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("Parse returned %T %v, want a *ParseError", err, err)
			}
			return
		}
		if len(file.Stages) == 0 || file.Final() == nil {
			t.Fatal("Parse succeeded with no stage")
		}
		for _, st := range file.Stages {
			for _, in := range append([]Instruction{st.From}, st.Instructions...) {
				if in.Line < 1 || in.EndLine < in.Line {
					t.Fatalf("%s spans lines %d-%d", in.Command, in.Line, in.EndLine)
				}
				in.Flag("from")
				in.Pairs()
			}
			file.Expand(st.Base, map[string]string{"A": "1"})
		}
	})
}
