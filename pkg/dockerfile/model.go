package dockerfile

import (
	"strconv"
	"strings"
)

// File is a parsed Dockerfile.
type File struct {
	// Escape is the escape character: '\\', or '`' after "# escape=`".
	Escape rune
	// MetaArgs are the ARG instructions before the first FROM.
	MetaArgs []Instruction
	// Stages are the build stages in source order; the last one is the
	// image the Dockerfile builds unless a target is chosen.
	Stages []Stage
	// Lines are the source lines, without their line endings; Lines[0] is
	// line 1.
	Lines []string
	// Warnings are what BuildKit's parser reported without failing, such
	// as empty continuation lines.
	Warnings []Warning
}

// Warning is a problem the parser found without failing.
type Warning struct {
	Line    int    // the line it concerns, 0 when unknown
	Message string // BuildKit's short text
}

// Stage is one build stage: a FROM and the instructions up to the next.
type Stage struct {
	// Index is the stage's position, from 0.
	Index int
	// Name is the name given with "AS name", lowercased; empty if none.
	Name string
	// Base is the image reference (or earlier stage name) after FROM, as
	// written: variables are not expanded.
	Base string
	// Platform is the value of FROM's --platform flag, as written.
	Platform string
	// From is the FROM instruction itself.
	From Instruction
	// Instructions are the instructions after FROM, in order.
	Instructions []Instruction
}

// Heredoc is a here-document attached to a RUN, COPY or ADD.
type Heredoc struct {
	Name    string // the delimiter word
	Content string // the body, up to the delimiter line
	Expand  bool   // variables are expanded (the delimiter was not quoted)
}

// Instruction is one Dockerfile instruction.
type Instruction struct {
	// Command is the keyword in upper case: "RUN", "COPY", ...
	Command string
	// Line and EndLine are the first and last source lines it spans,
	// from 1, continuations and heredoc bodies included.
	Line, EndLine int
	// Flags are the --flag[=value] words after the keyword, as written.
	Flags []string
	// Args are the arguments: the JSON array's elements in exec form, the
	// whole rest of the line for a shell-form RUN, CMD or ENTRYPOINT, and
	// key, value pairs for ENV, LABEL and ARG (an ARG without a default
	// has an empty value).
	Args []string
	// JSON reports the exec (JSON array) form.
	JSON bool
	// Original is the instruction's text with continuations joined.
	Original string
	// Heredocs are its here-documents, in order.
	Heredocs []Heredoc
	// Comments are the comment lines since the previous instruction, as
	// BuildKit collects them (blank lines do not end them; a lone "#"
	// does), without "#".
	Comments []string
	// Sub is the instruction ONBUILD wraps; nil for other commands.
	Sub *Instruction
}

// Flag returns the value of the flag --name (without dashes) and whether
// it is present. A flag written without "=value" has the value "true".
func (in Instruction) Flag(name string) (string, bool) {
	for _, f := range in.Flags {
		k, v, ok := strings.Cut(strings.TrimPrefix(f, "--"), "=")
		if k == name {
			if !ok {
				v = "true"
			}
			return v, true
		}
	}
	return "", false
}

// Pairs returns the key, value pairs of an ENV, LABEL or ARG instruction.
func (in Instruction) Pairs() [][2]string {
	var out [][2]string
	for i := 0; i+1 < len(in.Args); i += 2 {
		out = append(out, [2]string{in.Args[i], in.Args[i+1]})
	}
	return out
}

// Final returns the last stage, the one built without --target, or nil
// for a file with no stage.
func (f *File) Final() *Stage {
	if len(f.Stages) == 0 {
		return nil
	}
	return &f.Stages[len(f.Stages)-1]
}

// Stage returns the stage a FROM or COPY --from refers to by name or
// index, or nil when ref names an image instead.
func (f *File) Stage(ref string) *Stage {
	ref = strings.ToLower(ref)
	for i := range f.Stages {
		if f.Stages[i].Name != "" && f.Stages[i].Name == ref {
			return &f.Stages[i]
		}
	}
	for i := range f.Stages {
		if ref == strconv.Itoa(i) {
			return &f.Stages[i]
		}
	}
	return nil
}
