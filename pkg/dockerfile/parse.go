package dockerfile

import (
	"bytes"
	"errors"
	"fmt"
	"strings"

	"github.com/moby/buildkit/frontend/dockerfile/parser"
)

// ErrEmpty means the input holds no instruction at all.
var ErrEmpty = errors.New("no instructions")

// ErrNoStage means the input has instructions but no FROM.
var ErrNoStage = errors.New("no FROM instruction")

// ErrBinary means the input is not text: it starts like a compressed
// file, an archive or an executable, or has NUL bytes (see checkText).
var ErrBinary = errors.New("not a text file")

// ParseError is a syntax error at a line of the input.
type ParseError struct {
	Line int   // the line, from 1; 0 when unknown
	Err  error // what is wrong
}

// Error returns "line N: what is wrong".
func (e *ParseError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("line %d: %v", e.Line, e.Err)
	}
	return e.Err.Error()
}

// Unwrap returns the underlying error.
func (e *ParseError) Unwrap() error { return e.Err }

// known lists the instructions BuildKit builds.
var known = map[string]bool{
	"ADD": true, "ARG": true, "CMD": true, "COPY": true, "ENTRYPOINT": true, "ENV": true,
	"EXPOSE": true, "FROM": true, "HEALTHCHECK": true, "LABEL": true, "MAINTAINER": true,
	"ONBUILD": true, "RUN": true, "SHELL": true, "STOPSIGNAL": true, "USER": true,
	"VOLUME": true, "WORKDIR": true,
}

// Parse reads a Dockerfile with BuildKit's parser and returns its model.
// A syntax error is a *ParseError with the line; input with no
// instruction wraps ErrEmpty, and instructions without a FROM ErrNoStage.
// Parse never panics on its input; input that is not text (see
// checkText) wraps ErrBinary.
func Parse(src []byte) (*File, error) {
	if err := checkText(src); err != nil {
		return nil, &ParseError{Err: err}
	}
	res, err := parser.Parse(bytes.NewReader(src))
	if err != nil {
		return nil, parseError(err)
	}
	f := &File{Escape: res.EscapeToken, Lines: splitLines(src)}
	for _, w := range res.Warnings {
		line := 0
		if w.Location != nil {
			line = w.Location.Start.Line
		}
		f.Warnings = append(f.Warnings, Warning{Line: line, Message: w.Short})
	}
	for _, n := range res.AST.Children {
		in, err := instruction(n)
		if err != nil {
			return nil, err
		}
		switch {
		case in.Command == "FROM":
			st, err := stage(in, len(f.Stages))
			if err != nil {
				return nil, err
			}
			f.Stages = append(f.Stages, st)
		case len(f.Stages) > 0:
			st := &f.Stages[len(f.Stages)-1]
			st.Instructions = append(st.Instructions, in)
		case in.Command == "ARG":
			f.MetaArgs = append(f.MetaArgs, in)
		default:
			return nil, &ParseError{Line: in.Line, Err: fmt.Errorf("%s before the first FROM: %w; only ARG may come before it", in.Command, ErrNoStage)}
		}
	}
	if len(f.Stages) == 0 {
		return nil, &ParseError{Err: ErrNoStage}
	}
	return f, nil
}

// parseError turns one of BuildKit's errors into a *ParseError.
func parseError(err error) error {
	line := 0
	var le *parser.LocationError
	if errors.As(err, &le) && len(le.Locations) > 0 && len(le.Locations[0]) > 0 {
		line = le.Locations[0][0].Start.Line
	}
	msg := err.Error()
	if msg == "file with no instructions" {
		return &ParseError{Err: ErrEmpty}
	}
	return &ParseError{Line: line, Err: errors.New(msg)}
}

// instruction converts one node of BuildKit's tree.
func instruction(n *parser.Node) (Instruction, error) {
	in := Instruction{
		Command:  strings.ToUpper(n.Value),
		Line:     n.StartLine,
		EndLine:  n.EndLine,
		Flags:    n.Flags,
		JSON:     n.Attributes["json"],
		Original: n.Original,
		Comments: n.PrevComment,
	}
	if !known[in.Command] {
		return in, &ParseError{Line: in.Line, Err: fmt.Errorf("unknown instruction %q", clip(n.Value, 40))}
	}
	for _, h := range n.Heredocs {
		in.Heredocs = append(in.Heredocs, Heredoc{Name: h.Name, Content: h.Content, Expand: h.Expand})
	}
	switch in.Command {
	case "ONBUILD":
		if n.Next == nil || len(n.Next.Children) == 0 {
			return in, &ParseError{Line: in.Line, Err: errors.New("ONBUILD needs an instruction")}
		}
		sub, err := instruction(n.Next.Children[0])
		if err != nil {
			return in, err
		}
		switch sub.Command {
		case "ONBUILD", "FROM", "MAINTAINER":
			return in, &ParseError{Line: in.Line, Err: fmt.Errorf("ONBUILD %s is not allowed", sub.Command)}
		}
		sub.Line, sub.EndLine = in.Line, in.EndLine
		in.Sub = &sub
	case "ENV", "LABEL":
		// Key, value and separator triples.
		for k := n.Next; k != nil && k.Next != nil; {
			in.Args = append(in.Args, k.Value, k.Next.Value)
			k = k.Next.Next
			if k != nil {
				k = k.Next
			}
		}
	case "ARG":
		for k := n.Next; k != nil; k = k.Next {
			name, val, _ := strings.Cut(k.Value, "=")
			in.Args = append(in.Args, name, val)
		}
	default:
		for k := n.Next; k != nil; k = k.Next {
			in.Args = append(in.Args, k.Value)
		}
	}
	return in, nil
}

// stage starts a stage from its FROM instruction.
func stage(from Instruction, index int) (Stage, error) {
	st := Stage{Index: index, From: from}
	switch {
	case len(from.Args) == 1:
	case len(from.Args) == 3 && strings.EqualFold(from.Args[1], "AS"):
		st.Name = strings.ToLower(from.Args[2])
	default:
		return st, &ParseError{Line: from.Line, Err: fmt.Errorf("FROM %s: want FROM [--platform=P] IMAGE [AS NAME]", strings.Join(from.Args, " "))}
	}
	st.Base = from.Args[0]
	st.Platform, _ = from.Flag("platform")
	return st, nil
}

// splitLines splits src at \n, dropping a trailing \r from each line.
func splitLines(src []byte) []string {
	s := strings.TrimSuffix(string(src), "\n")
	if s == "" {
		return nil
	}
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = strings.TrimSuffix(l, "\r")
	}
	return lines
}

// checkText returns an error wrapping ErrBinary, naming the format when it
// knows it, when src starts like a compressed file, an archive or an
// executable, or has a NUL byte in its first 8 KiB. (Text in another
// encoding than UTF-8 is read as BuildKit reads it.)
func checkText(src []byte) error {
	for _, m := range []struct{ magic, name string }{
		{"\x1f\x8b", "gzip data"}, {"\x28\xb5\x2f\xfd", "zstd data"}, {"\xfd7zXZ\x00", "xz data"},
		{"BZh", "bzip2 data"}, {"PK\x03\x04", "a zip archive"}, {"\x7fELF", "an ELF executable"},
	} {
		if bytes.HasPrefix(src, []byte(m.magic)) {
			return fmt.Errorf("%w (it is %s)", ErrBinary, m.name)
		}
	}
	if len(src) > 262 && string(src[257:262]) == "ustar" {
		return fmt.Errorf("%w (it is a tar archive)", ErrBinary)
	}
	if bytes.IndexByte(src[:min(len(src), 8192)], 0) >= 0 {
		return ErrBinary
	}
	return nil
}

// clip returns s cut to n bytes, with "…" when it was longer.
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
