package dockerfile

import (
	"errors"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParseStages(t *testing.T) {
	src := `# syntax=docker/dockerfile:1
ARG GO=1.26.8
FROM --platform=$BUILDPLATFORM golang:${GO}-bookworm AS Build
WORKDIR /src
COPY --chmod=644 go.mod *.go ./
RUN CGO_ENABLED=0 \
    # a comment inside the continuation
    go build -o /out/app .
ENV A=1 B="two words"
FROM scratch
COPY --from=build /out/ /
USER 65532:65532
ENTRYPOINT ["/app"]
`
	f, err := Parse([]byte(src))
	if err != nil {
		t.Fatal(err)
	}
	if len(f.MetaArgs) != 1 || f.MetaArgs[0].Line != 2 || !cmp.Equal(f.MetaArgs[0].Pairs(), [][2]string{{"GO", "1.26.8"}}) {
		t.Errorf("MetaArgs = %+v, want ARG GO=1.26.8 at line 2", f.MetaArgs)
	}
	if len(f.Stages) != 2 {
		t.Fatalf("got %d stages, want 2", len(f.Stages))
	}
	b := f.Stages[0]
	if b.Name != "build" || b.Base != "golang:${GO}-bookworm" || b.Platform != "$BUILDPLATFORM" || b.From.Line != 3 {
		t.Errorf("stage 0 = name %q base %q platform %q line %d", b.Name, b.Base, b.Platform, b.From.Line)
	}
	var got []string
	for _, in := range b.Instructions {
		got = append(got, in.Command+" "+itoa(in.Line)+"-"+itoa(in.EndLine))
	}
	want := []string{"WORKDIR 4-4", "COPY 5-5", "RUN 6-8", "ENV 9-9"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("instructions (-want +got):\n%s", diff)
	}
	cp := b.Instructions[1]
	if v, ok := cp.Flag("chmod"); !ok || v != "644" || !cmp.Equal(cp.Args, []string{"go.mod", "*.go", "./"}) {
		t.Errorf("COPY flags %v args %v", cp.Flags, cp.Args)
	}
	run := b.Instructions[2]
	if run.JSON || len(run.Args) != 1 || !strings.Contains(run.Args[0], "go build -o /out/app .") {
		t.Errorf("RUN args = %q (json %v), want the joined shell command", run.Args, run.JSON)
	}
	if got := b.Instructions[3].Pairs(); !cmp.Equal(got, [][2]string{{"A", "1"}, {"B", `"two words"`}}) {
		t.Errorf("ENV pairs = %q", got)
	}
	fin := f.Final()
	if fin.Index != 1 || fin.Base != "scratch" || f.Stage("build") != &f.Stages[0] || f.Stage("1") != &f.Stages[1] || f.Stage("alpine") != nil {
		t.Errorf("Final/Stage lookups wrong: final %+v", fin)
	}
	ep := fin.Instructions[2]
	if !ep.JSON || !cmp.Equal(ep.Args, []string{"/app"}) || ep.Line != 13 {
		t.Errorf("ENTRYPOINT = %+v, want exec form [/app] at line 13", ep)
	}
	if v, ok := f.Expand(b.Base, map[string]string{"GO": "1.26.8"}); !ok || v != "golang:1.26.8-bookworm" {
		t.Errorf("Expand(%q) = %q, %v", b.Base, v, ok)
	}
	if _, ok := f.Expand(b.Base, nil); ok {
		t.Errorf("Expand(%q, nil) reported every variable set", b.Base)
	}
}

func itoa(i int) string { return strconv.Itoa(i) }

func TestParseHeredocEscapeOnbuild(t *testing.T) {
	src := "# escape=`\nFROM alpine:3.20.3\nRUN <<EOF\nset -e\necho `\nhi\nEOF\nCOPY <<-\"END\" /etc/motd\n\thello $USER\n\tEND\nONBUILD RUN echo child\nCMD echo `\n  done\n"
	f, err := Parse([]byte(src))
	if err != nil {
		t.Fatal(err)
	}
	if f.Escape != '`' {
		t.Errorf("Escape = %q, want backtick", f.Escape)
	}
	ins := f.Stages[0].Instructions
	if len(ins) != 4 {
		t.Fatalf("got %d instructions, want 4: %+v", len(ins), ins)
	}
	if h := ins[0].Heredocs; len(h) != 1 || h[0].Name != "EOF" || !strings.Contains(h[0].Content, "set -e") || ins[0].EndLine != 7 {
		t.Errorf("RUN heredoc = %+v, lines %d-%d", h, ins[0].Line, ins[0].EndLine)
	}
	if h := ins[1].Heredocs; len(h) != 1 || h[0].Expand || ins[1].Line != 8 {
		t.Errorf("COPY heredoc = %+v at line %d, want a quoted (non-expanding) END at line 8", h, ins[1].Line)
	}
	if ob := ins[2]; ob.Command != "ONBUILD" || ob.Sub == nil || ob.Sub.Command != "RUN" || ob.Sub.Line != 11 {
		t.Errorf("ONBUILD = %+v", ob)
	}
	if cmd := ins[3]; cmd.Line != 12 || cmd.EndLine != 13 || cmd.JSON {
		t.Errorf("CMD with a backtick continuation = lines %d-%d json %v", cmd.Line, cmd.EndLine, cmd.JSON)
	}
}

func TestParseErrors(t *testing.T) {
	for _, tc := range []struct {
		name, src string
		line      int
		is        error
		msg       string
	}{
		{"empty", "", 0, ErrEmpty, "no instructions"},
		{"comments only", "# nothing\n\n# here\n", 0, ErrEmpty, "no instructions"},
		{"no FROM", "RUN echo hi\n", 1, ErrNoStage, "RUN before the first FROM"},
		{"only ARG", "ARG A=1\n", 0, ErrNoStage, "no FROM"},
		{"unknown", "FROM a\nFOO bar\n", 2, nil, `unknown instruction "FOO"`},
		{"bad FROM", "FROM a b c d\n", 1, nil, "want FROM"},
		{"unterminated heredoc", "FROM a\nRUN <<EOF\necho\n", 2, nil, "unterminated heredoc"},
		{"onbuild onbuild", "FROM a\nONBUILD ONBUILD RUN x\n", 2, nil, "not allowed"},
		{"env without value", "FROM a\nENV A\n", 2, nil, "ENV must have two arguments"},
		{"long unknown", "FROM a\n" + strings.Repeat("X", 5000) + " y\n", 2, nil, `unknown instruction "` + strings.Repeat("X", 40) + `…"`},
		{"gzip", "\x1f\x8b\x08\x00FROM a\n", 0, ErrBinary, "not a text file (it is gzip data)"},
		{"ELF", "\x7fELF\x02\x01\x01", 0, ErrBinary, "not a text file (it is an ELF executable)"},
		{"NUL", "FROM a\nRUN x\x00y\n", 0, ErrBinary, "not a text file"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse([]byte(tc.src))
			var pe *ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("Parse = %v, want a *ParseError", err)
			}
			if pe.Line != tc.line || !strings.Contains(err.Error(), tc.msg) || tc.is != nil && !errors.Is(err, tc.is) {
				t.Errorf("Parse = %v (line %d), want line %d, %q, is %v", err, pe.Line, tc.line, tc.msg, tc.is)
			}
		})
	}
}

func TestParseWarnings(t *testing.T) {
	f, err := Parse([]byte("FROM a\nRUN echo a \\\n\n  b\n"))
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Warnings) != 1 || !strings.Contains(f.Warnings[0].Message, "Empty continuation line") {
		t.Errorf("Warnings = %+v, want one empty-continuation warning", f.Warnings)
	}
}
