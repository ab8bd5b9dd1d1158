package pipeline

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"
	"golang.org/x/mod/module"
	"golang.org/x/sync/errgroup"
)

// RefScheme starts a reference to a Go main package in YAML:
// leve://IMPORT/PATH.
const RefScheme = "leve://"

// Sentinel errors of resolve, for callers that test the condition.
var (
	// ErrMalformedYAML: a document is not YAML.
	ErrMalformedYAML = errors.New("malformed YAML")
	// ErrBadReference: a leve:// value is not a Go import path, has a tag
	// or a digest, or is written in a form leve cannot replace in place.
	ErrBadReference = errors.New("bad leve:// reference")
)

// Document is one YAML input of resolve: a name for messages (a file name,
// or "stdin") and its bytes, which may hold several "---" documents.
type Document struct {
	Name string
	Data []byte
}

// Reference is a string scalar of a YAML document whose whole value is
// leve://IMPORT/PATH. Mapping keys, comments and longer strings that
// merely contain leve:// are not references.
type Reference struct {
	ImportPath   string
	Line, Column int // 1-based, where the scalar's text starts
	start, end   int // byte offsets of the scalar's text, quotes included
	quote        byte
}

// References returns the leve:// references of doc, in the order they
// appear, and warnings (each naming a line) for leve:// text that is left
// as it is: inside a longer string or a mapping key. It refuses, with the
// line, malformed YAML and leve:// values that are not Go import paths,
// carry a tag or digest, or are written in a form (block scalar, escapes,
// several lines) that cannot be replaced in place.
func References(doc Document) ([]Reference, []string, error) {
	lines := lineStarts(doc.Data)
	var (
		refs     []Reference
		warnings []string
		errs     []error
	)
	dec := yaml.NewDecoder(bytes.NewReader(doc.Data))
	for {
		var root yaml.Node
		err := dec.Decode(&root)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, nil, yamlError(doc, err)
		}
		walkScalars(&root, false, func(n *yaml.Node, key bool) {
			if !strings.Contains(n.Value, RefScheme) {
				return
			}
			at := fmt.Sprintf("%s:%d", doc.Name, n.Line)
			switch {
			case !strings.HasPrefix(n.Value, RefScheme) || strings.ContainsAny(strings.TrimSpace(n.Value), " \t\r\n"):
				warnings = append(warnings, fmt.Sprintf("%s: %s inside a longer value is left as it is; make it the whole value to have it resolved", at, firstRef(n.Value)))
				return
			case n.Tag != "!!str":
				warnings = append(warnings, fmt.Sprintf("%s: %s has the tag %s and is left as it is; leve resolves strings only", at, n.Value, n.Tag))
				return
			case key:
				warnings = append(warnings, fmt.Sprintf("%s: %s is a mapping key and is left as it is; leve resolves values only", at, n.Value))
				return
			}
			r, err := newReference(doc.Data, lines, n)
			if err != nil {
				errs = append(errs, fmt.Errorf("%s: %w", at, err))
				return
			}
			refs = append(refs, r)
		})
	}
	if len(errs) > 0 {
		return nil, nil, errors.Join(errs...)
	}
	return refs, warnings, nil
}

var yamlLine = regexp.MustCompile(`^yaml: (?:line (\d+): )?(.*)$`)

// parserProblems are the problems yaml.v3's parser (not its scanner)
// reports: for these it gives the line counted from 0, and no line at all
// for the first.
var parserProblems = []string{"did not find expected", "found duplicate %TAG directive", "found duplicate %YAML directive", "found incompatible YAML document", "found undefined tag handle"}

var unknownAnchor = regexp.MustCompile(`^unknown anchor '(.*)' referenced$`)

// yamlError names the document and the line of a yaml.v3 parse error.
func yamlError(doc Document, err error) error {
	name := doc.Name
	m := yamlLine.FindStringSubmatch(err.Error())
	if m == nil {
		return fmt.Errorf("%s: %w: %v", name, ErrMalformedYAML, err)
	}
	line, _ := strconv.Atoi(m[1])
	switch {
	case slices.ContainsFunc(parserProblems, func(p string) bool { return strings.HasPrefix(m[2], p) }):
		line++
	case unknownAnchor.MatchString(m[2]):
		// yaml.v3 gives no line: the first *alias of that name.
		if i := bytes.Index(doc.Data, []byte("*"+unknownAnchor.FindStringSubmatch(m[2])[1])); i >= 0 {
			line = sort.SearchInts(lineStarts(doc.Data), i+1) // the lines starting at or before i
		}
	case line == 0 && !strings.Contains(m[2], "anchor") && !strings.Contains(m[2], "aliasing"):
		line = 1 // a scanner error on the first line; other anchor errors have no line
	}
	if line == 0 {
		return fmt.Errorf("%s: %w: %s", name, ErrMalformedYAML, m[2])
	}
	return fmt.Errorf("%s:%d: %w: %s", name, line, ErrMalformedYAML, m[2])
}

// walkScalars calls f for every scalar under n (aliases are not followed:
// the anchored node is visited where it is written), with whether it is
// a mapping key.
func walkScalars(n *yaml.Node, key bool, f func(n *yaml.Node, key bool)) {
	switch n.Kind {
	case yaml.ScalarNode:
		f(n, key)
	case yaml.MappingNode:
		for i, c := range n.Content {
			walkScalars(c, i%2 == 0, f)
		}
	case yaml.DocumentNode, yaml.SequenceNode:
		for _, c := range n.Content {
			walkScalars(c, false, f)
		}
	}
}

func firstRef(s string) string {
	i := strings.Index(s, RefScheme)
	j := strings.IndexFunc(s[i:], func(r rune) bool { return strings.ContainsRune(" \t\r\n\"',;[]{}()<>", r) })
	if j < 0 {
		return s[i:]
	}
	return s[i : i+j]
}

// newReference checks the import path of a leve:// scalar and finds its
// text in data.
func newReference(data []byte, lines []int, n *yaml.Node) (Reference, error) {
	ip := strings.TrimPrefix(n.Value, RefScheme)
	if err := CheckImportPath(ip); err != nil {
		return Reference{}, err
	}
	r := Reference{ImportPath: ip, Line: n.Line, Column: n.Column}
	var text string
	switch n.Style &^ (yaml.TaggedStyle | yaml.FlowStyle) {
	case 0:
		text = n.Value
	case yaml.SingleQuotedStyle:
		text, r.quote = "'"+n.Value+"'", '\''
	case yaml.DoubleQuotedStyle:
		text, r.quote = `"`+n.Value+`"`, '"'
	}
	off, ok := offset(data, lines, n.Line, n.Column)
	if ok {
		off = skipProperties(data, off)
	}
	if !ok || text == "" || !bytes.HasPrefix(data[off:], []byte(text)) {
		return Reference{}, fmt.Errorf("%w: write %s as a plain or quoted string on one line, without escapes", ErrBadReference, printable(n.Value))
	}
	r.start, r.end = off, off+len(text)
	return r, nil
}

// CheckImportPath checks the part of a leve:// reference after the
// scheme: a Go import path, without a tag or digest (leve sets the
// digest) and not a filesystem path.
func CheckImportPath(ip string) error {
	ref := printable(RefScheme + ip)
	switch {
	case ip == "":
		return fmt.Errorf("%w: %s names no package; write leve://IMPORT/PATH, e.g. leve://example.com/app/cmd/api", ErrBadReference, ref)
	case strings.HasPrefix(ip, "/") || strings.HasPrefix(ip, ".") || strings.HasPrefix(ip, "~") || ip == ".." || strings.Contains(ip, "/../") || strings.HasSuffix(ip, "/..") || strings.Contains(ip, "/./"):
		return fmt.Errorf("%w: %s is a filesystem path; write the package's Go import path, e.g. leve://example.com/app/cmd/api", ErrBadReference, ref)
	case strings.ContainsAny(ip, ":@"):
		cut := strings.IndexAny(ip, ":@")
		return fmt.Errorf("%w: %s has a tag or digest after the path: leve sets it; write %s", ErrBadReference, ref, printable(RefScheme+ip[:cut]))
	}
	if err := module.CheckImportPath(ip); err != nil {
		var ipe *module.InvalidPathError
		why := err.Error()
		if errors.As(err, &ipe) {
			why = ipe.Err.Error()
		}
		return fmt.Errorf("%w: %s is not a Go import path (%s); write leve://IMPORT/PATH, e.g. leve://example.com/app/cmd/api", ErrBadReference, ref, why)
	}
	return nil
}

// printable returns s as it is when it is one line of printable text, else
// quoted with Go escapes, so an error about it stays on one line.
func printable(s string) string {
	for _, r := range s {
		if !unicode.IsPrint(r) {
			return strconv.Quote(s)
		}
	}
	return s
}

// lineStarts returns the byte offset of each line of data, breaking lines
// where YAML does: \r\n, \r, \n, NEL, LS and PS.
func lineStarts(data []byte) []int {
	starts := []int{0}
	for i := 0; i < len(data); {
		c := data[i]
		switch {
		case c == '\r' && i+1 < len(data) && data[i+1] == '\n':
			i += 2
		case c == '\r' || c == '\n':
			i++
		case c == 0xC2 && i+1 < len(data) && data[i+1] == 0x85,
			c == 0xE2 && i+2 < len(data) && data[i+1] == 0x80 && (data[i+2] == 0xA8 || data[i+2] == 0xA9):
			if c == 0xC2 {
				i += 2
			} else {
				i += 3
			}
		default:
			i++
			continue
		}
		starts = append(starts, i)
	}
	return starts
}

// offset turns a YAML mark (1-based line, column counted in characters)
// into a byte offset in data.
func offset(data []byte, lines []int, line, col int) (int, bool) {
	if line < 1 || line > len(lines) || col < 1 {
		return 0, false
	}
	off := lines[line-1]
	if line == 1 && bytes.HasPrefix(data, []byte("\xef\xbb\xbf")) {
		off += 3 // the byte order mark is not a column
	}
	for ; col > 1; col-- {
		if off >= len(data) {
			return 0, false
		}
		_, size := utf8.DecodeRune(data[off:])
		off += size
	}
	return off, true
}

// skipProperties skips an anchor (&a) and a tag (!!str) before a scalar.
func skipProperties(data []byte, off int) int {
	for off < len(data) && (data[off] == '&' || data[off] == '!') {
		for off < len(data) && data[off] != ' ' && data[off] != '\t' {
			off++
		}
		for off < len(data) && (data[off] == ' ' || data[off] == '\t') {
			off++
		}
	}
	return off
}

// Splice returns data with each reference's text replaced by with[its
// import path], kept in the reference's quoting; every other byte is
// kept. It checks that the result parses to the same YAML with only the
// references changed.
func Splice(data []byte, refs []Reference, with map[string]string) ([]byte, error) {
	refs = append([]Reference(nil), refs...)
	sort.Slice(refs, func(i, j int) bool { return refs[i].start < refs[j].start })
	var out []byte
	last := 0
	for _, r := range refs {
		repl, ok := with[r.ImportPath]
		if !ok {
			return nil, fmt.Errorf("splicing leve://%s: no replacement", r.ImportPath)
		}
		out = append(out, data[last:r.start]...)
		switch r.quote {
		case '"':
			out = append(out, strconv.Quote(repl)...)
		case '\'':
			out = append(out, "'"+strings.ReplaceAll(repl, "'", "''")+"'"...)
		default:
			out = append(out, repl...)
		}
		last = r.end
	}
	out = append(out, data[last:]...)
	if err := sameYAML(data, out, refs, with); err != nil {
		return nil, fmt.Errorf("splicing the references: %w", err)
	}
	return out, nil
}

// sameYAML checks that after parses like before with each reference's
// value replaced as with says, and every other scalar the same.
func sameYAML(before, after []byte, refs []Reference, with map[string]string) error {
	replaced := map[[2]int]string{}
	for _, r := range refs {
		replaced[[2]int{r.Line, r.Column}] = with[r.ImportPath]
	}
	db, da := yaml.NewDecoder(bytes.NewReader(before)), yaml.NewDecoder(bytes.NewReader(after))
	for {
		var nb, na yaml.Node
		eb, ea := db.Decode(&nb), da.Decode(&na)
		if errors.Is(eb, io.EOF) && errors.Is(ea, io.EOF) {
			return nil
		}
		if eb != nil || ea != nil {
			return fmt.Errorf("the result does not parse like the input: %v", errors.Join(eb, ea))
		}
		if err := sameNode(&nb, &na, replaced); err != nil {
			return err
		}
	}
}

func sameNode(b, a *yaml.Node, replaced map[[2]int]string) error {
	if b.Kind != a.Kind || len(b.Content) != len(a.Content) {
		return fmt.Errorf("line %d: the result's structure differs", a.Line)
	}
	if b.Kind == yaml.ScalarNode {
		want, ok := replaced[[2]int{b.Line, b.Column}]
		if !ok {
			want = b.Value
		}
		if a.Value != want || a.Tag != b.Tag {
			return fmt.Errorf("line %d: %q reads as %s %q", a.Line, want, a.Tag, a.Value)
		}
	}
	for i := range b.Content {
		if err := sameNode(b.Content[i], a.Content[i], replaced); err != nil {
			return err
		}
	}
	return nil
}

// ResolveReferences finds the leve:// references of docs (refusing bad
// YAML and bad references before building anything), builds each import
// path once with build, concurrently (at most jobs at once), and returns
// each document with every reference replaced by what build returned (a
// pushed REPO/NAME@sha256:... reference), byte for byte the same
// elsewhere, comments included; and the warnings of References.
func ResolveReferences(ctx context.Context, docs []Document, jobs int, build func(ctx context.Context, importPath string) (string, error)) ([][]byte, []string, error) {
	refs := make([][]Reference, len(docs))
	var (
		warnings []string
		errs     []error
		paths    []string
	)
	seen := map[string]bool{}
	for i, d := range docs {
		r, w, err := References(d)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		refs[i], warnings = r, append(warnings, w...)
		for _, x := range r {
			if !seen[x.ImportPath] {
				seen[x.ImportPath] = true
				paths = append(paths, x.ImportPath)
			}
		}
	}
	if len(errs) > 0 {
		return nil, nil, errors.Join(errs...)
	}
	built := make([]string, len(paths))
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(max(1, jobs))
	for i, p := range paths {
		g.Go(func() error {
			r, err := build(gctx, p)
			built[i] = r
			return err
		})
	}
	if err := g.Wait(); err != nil {
		return nil, nil, err
	}
	with := map[string]string{}
	for i, p := range paths {
		with[p] = built[i]
	}
	out := make([][]byte, len(docs))
	for i, d := range docs {
		b, err := Splice(d.Data, refs[i], with)
		if err != nil {
			return nil, nil, fmt.Errorf("%s: %w", d.Name, err)
		}
		out[i] = b
	}
	return out, warnings, nil
}
