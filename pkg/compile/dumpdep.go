package compile

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"slices"
	"strings"
)

// DepGraph is the linker's dependency dump (go build -ldflags=-dumpdep):
// for every symbol the linker found reachable, the symbol through which it
// reached it first. It is a tree: a symbol reached in several ways shows
// one of them.
type DepGraph struct {
	index  map[string]int32
	names  []string
	parent []int32 // -1 for a root
	flags  []uint8

	rest   io.Writer // where other lines go while reading
	header []byte    // a "# package" line not copied yet
}

// Symbol flags of the dump.
const (
	depReflectMethod = 1 << iota // <ReflectMethod>: calls a reflect method lookup
	depUsedInIface               // <UsedInIface>: a type converted to an interface
)

// dumpDepArrow separates the two symbols of a dump line.
var dumpDepArrow = []byte(" -> ")

// ReadDumpDep reads a dump line by line, as it streams from the linker:
// lines "from -> to" go into the graph; the other lines (compiler and
// linker messages) are copied to rest, which may be nil. A "# package"
// header go build prints before the dump is copied only when a message
// follows it.
func ReadDumpDep(r io.Reader, rest io.Writer) (*DepGraph, error) {
	g := &DepGraph{index: map[string]int32{}, rest: rest}
	br := bufio.NewReaderSize(r, 64<<10)
	for {
		line, err := br.ReadSlice('\n')
		if err == bufio.ErrBufferFull {
			// A line longer than the buffer: not a dump edge.
			var long []byte
			long = append(long, line...)
			for err == bufio.ErrBufferFull {
				line, err = br.ReadSlice('\n')
				long = append(long, line...)
			}
			line = long
		}
		if len(line) > 0 {
			g.line(line)
		}
		if err == io.EOF {
			g.rest, g.header = nil, nil
			return g, nil
		}
		if err != nil {
			return g, fmt.Errorf("reading the linker's dependency dump: %w", err)
		}
	}
}

func (g *DepGraph) line(line []byte) {
	text := bytes.TrimRight(line, "\r\n")
	if bytes.HasPrefix(text, []byte("# ")) {
		g.header = append(g.header[:0], line...)
		return
	}
	from, to, ok := bytes.Cut(text, dumpDepArrow)
	if !ok {
		if g.rest != nil {
			if len(g.header) > 0 {
				g.rest.Write(g.header)
				g.header = g.header[:0]
			}
			g.rest.Write(line)
		}
		return
	}
	if len(to) == 0 {
		return
	}
	child := g.sym(to)
	// "_" marks a root; DWARF symbols are reached from no named symbol.
	if string(from) == "_" || len(from) == 0 {
		return
	}
	if g.parent[child] == -1 {
		g.parent[child] = g.sym(from)
	}
}

// sym returns the index of a dumped symbol, with its flags removed and
// recorded.
func (g *DepGraph) sym(b []byte) int32 {
	var fl uint8
	for {
		switch {
		case bytes.HasSuffix(b, []byte("<ReflectMethod>")):
			fl |= depReflectMethod
			b = b[:len(b)-len("<ReflectMethod>")]
		case bytes.HasSuffix(b, []byte("<UsedInIface>")):
			fl |= depUsedInIface
			b = b[:len(b)-len("<UsedInIface>")]
		default:
			b = bytes.TrimRight(b, " ")
			i, ok := g.index[string(b)]
			if !ok {
				i = int32(len(g.names))
				name := string(b)
				g.index[name] = i
				g.names = append(g.names, name)
				g.parent = append(g.parent, -1)
				g.flags = append(g.flags, 0)
			}
			g.flags[i] |= fl
			return i
		}
	}
}

// Len returns the number of symbols in the dump.
func (g *DepGraph) Len() int { return len(g.names) }

// ReflectMethods returns the functions the compiler marked as calling a
// reflect method lookup with a name it cannot see (<ReflectMethod>), sorted.
func (g *DepGraph) ReflectMethods() []string {
	var out []string
	for i, f := range g.flags {
		if f&depReflectMethod != 0 {
			out = append(out, g.names[i])
		}
	}
	slices.Sort(out)
	return out
}

// Chain returns the symbols through which the linker reached sym, from
// main.main (or from the root when main.main is not on the way) to sym.
// Certain is false when an edge of the chain goes from a type to one of
// its methods: the linker may have added it only because reflection was
// seen, so the chain would not exist with the elimination on.
func (g *DepGraph) Chain(sym string) (chain []string, certain bool) {
	i, ok := g.index[sym]
	if !ok {
		return nil, false
	}
	certain = true
	for k, n := i, 0; k >= 0 && n <= len(g.names); k, n = g.parent[k], n+1 {
		chain = append(chain, g.names[k])
		if p := g.parent[k]; p >= 0 && isMethodEdge(g.names[p], g.names[k]) {
			certain = false
		}
		if g.names[k] == "main.main" {
			break
		}
	}
	slices.Reverse(chain)
	return chain, certain
}

// isMethodEdge reports whether the edge from → to goes from a type
// descriptor to a method: "type:reflect.Value -> reflect.(*Value).Method".
func isMethodEdge(from, to string) bool {
	return strings.HasPrefix(from, "type:") && !strings.HasPrefix(to, "type:") && !strings.HasPrefix(to, "go:") &&
		!strings.HasPrefix(to, "runtime.gcbits.") && !strings.HasSuffix(to, "·f") && !strings.Contains(to, "..")
}
