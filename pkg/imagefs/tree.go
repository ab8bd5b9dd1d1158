package imagefs

import (
	"io/fs"
	"path"
	"sort"
	"strings"
)

// ChangeKind says how a layer changes a path.
type ChangeKind uint8

// The change kinds.
const (
	// ChangeAdded: the path was not in the tree below the layer.
	ChangeAdded ChangeKind = iota + 1
	// ChangeChanged: the path was in a lower layer and the layer stores it again.
	ChangeChanged
	// ChangeRemoved: a whiteout or an opaque directory removed a lower path
	// (with its subtree) that the layer does not store again.
	ChangeRemoved
)

// String returns "added", "changed" or "removed".
func (k ChangeKind) String() string {
	switch k {
	case ChangeAdded:
		return "added"
	case ChangeChanged:
		return "changed"
	case ChangeRemoved:
		return "removed"
	}
	return "unknown"
}

// Change is one path a layer adds, changes or removes.
type Change struct {
	// Path is root-relative.
	Path string
	// Kind says what the layer did.
	Kind ChangeKind
	// Type is the entry's type (for a removal, the removed path's).
	Type Type
}

// copyRef names one stored copy of a file: entry index of layer.
type copyRef struct{ layer, index int32 }

// refTo is the copyRef of entry i of layer l (both fit: scanStream and
// ReadLayers bound them).
func refTo(l, i int) copyRef { return copyRef{int32(l), int32(i)} }

var noCopy = copyRef{-1, -1}

// node is one path of the merged tree.
type node struct {
	e    *rec
	ref  copyRef // the stored copy holding a file's content
	src  copyRef // the entry that put this node here
	kids map[string]*node
}

func newDir(p string) *node {
	return &node{e: &rec{Path: p, Type: TypeDir, Mode: fs.ModeDir | 0o755, Index: -1}, ref: noCopy, src: noCopy, kids: map[string]*node{}}
}

func (n *node) isDir() bool { return n.e.Type == TypeDir }

// lookup finds p without following symlinks.
func lookup(root *node, p string) *node {
	n := root
	if p == "." {
		return n
	}
	for rest := p; ; {
		c, tail, more := strings.Cut(rest, "/")
		if !n.isDir() {
			return nil
		}
		if n = n.kids[c]; n == nil || !more {
			return n
		}
		rest = tail
	}
}

// ensureDir returns the directory p, creating missing directories and
// replacing non-directories on the way, as an upper layer hides them.
func ensureDir(root *node, p string) *node {
	n := root
	if p == "." {
		return n
	}
	for end := 0; end < len(p); {
		start := end
		if i := strings.IndexByte(p[start:], '/'); i >= 0 {
			end = start + i
		} else {
			end = len(p)
		}
		c := p[start:end]
		k := n.kids[c]
		if k == nil || !k.isDir() {
			k = newDir(path.Clean(p[:end]))
			n.kids[c] = k
		}
		n = k
		end++ // past the slash
	}
	return n
}

// treeLinks reads symlinks from the tree, for one resolveIn. It steps
// from the node it looked up last when it can, so that resolving a path
// costs O(its depth), not O(depth²).
func treeLinks(root *node) linkFunc {
	lastP, lastN := ".", root
	return func(q string) (string, bool, error) {
		var n *node
		if lastN != nil && lastN.isDir() && parentOf(q) == lastP {
			n = lastN.kids[path.Base(q)]
		} else {
			n = lookup(root, q)
		}
		lastP, lastN = q, n
		if n == nil || n.e.Type != TypeSymlink {
			return "", false, nil
		}
		return n.e.link(), true, nil
	}
}

// place returns where p lives: its parent resolved inside the root (as
// an extraction that follows symlinks in parents writes it), then its
// base name. ok is false for a loop of links.
func place(root *node, p string) (_ string, ok bool) {
	if p == "." || plainParents(root, p) {
		return p, true
	}
	parent, err := resolveIn(parentOf(p), true, treeLinks(root))
	if err != nil {
		return p, false
	}
	return path.Join(parent, path.Base(p)), true
}

// plainParents reports whether the parents of the clean path p resolve
// to themselves, as resolveIn would find: walking down the tree, no
// parent component is a symlink before one is missing or not a
// directory (from there resolution is lexical). It allocates nothing,
// and spares place resolving the common path with no link on the way.
func plainParents(root *node, p string) bool {
	// A clean relative path has ".." only at its start. Clean allocates
	// only for an unclean p.
	if strings.HasPrefix(p, "/") || p == ".." || strings.HasPrefix(p, "../") || path.Clean(p) != p {
		return false // let resolveIn decide
	}
	n := root
	for rest := p; ; {
		c, tail, more := strings.Cut(rest, "/")
		if !more {
			return true // c is the last component: not a parent
		}
		k := n.kids[c]
		switch {
		case k == nil || (!k.isDir() && k.e.Type != TypeSymlink):
			return true // resolution is lexical from here
		case k.e.Type == TypeSymlink:
			return false
		}
		n, rest = k, tail
	}
}

// applyLayer merges l onto the tree: first its whiteouts and opaque
// markers against the lower layers, then its entries in tar order. It
// counts l's changes, lists them in l.Changes when lists is set, and
// returns the findings about hard links.
func applyLayer(root *node, l *Layer, lists bool) []Finding {
	var findings []Finding
	loop := func(e *rec) {
		findings = append(findings, Finding{Layer: l.Index, Path: e.Path, Kind: FindingSymlinkLoop})
		if e.Type != TypeWhiteout && e.Type != TypeOpaque {
			e.Skipped = true // markers stay, for extraction to meet the loop too
		}
	}
	// seen holds, per path the layer stores, whether it was present
	// below (wasBelow) and whether its change is listed (listed).
	const wasBelow, listed = 1, 2
	seen := make(map[string]uint8, l.Len())
	for i := range l.Len() {
		e := l.recs.at(i)
		if !e.Skipped && e.Type != TypeWhiteout && e.Type != TypeOpaque {
			p, _ := place(root, e.Path)
			if lookup(root, p) != nil {
				seen[e.Path] = wasBelow
			} else {
				seen[e.Path] = 0
			}
		}
	}
	removed := map[string]Type{}
	for i := range l.Len() {
		e := l.recs.at(i)
		switch {
		case e.Skipped:
		case e.Type == TypeWhiteout:
			p, ok := place(root, e.Path)
			if !ok {
				loop(e)
			} else if p != "." {
				if n := lookup(root, p); n != nil {
					removed[e.Path] = n.e.Type
					delete(lookup(root, parentOf(p)).kids, path.Base(p))
				}
			}
		case e.Type == TypeOpaque:
			p, err := resolveIn(e.Path, true, treeLinks(root))
			if err != nil {
				loop(e)
			} else if n := lookup(root, p); n != nil && n.isDir() {
				for name, k := range n.kids {
					removed[path.Join(e.Path, name)] = k.e.Type
				}
				n.kids = map[string]*node{}
			}
		}
	}
	l.Changes, l.Added, l.Changed, l.Removed = nil, 0, 0, 0
	if lists && len(seen) > 0 {
		l.Changes = make([]Change, 0, len(seen))
	}
	for i := range l.Len() {
		e := l.recs.at(i)
		if e.Skipped || e.Type == TypeWhiteout || e.Type == TypeOpaque {
			continue
		}
		p, ok := place(root, e.Path)
		if !ok {
			loop(e)
			continue
		}
		if old := lookup(root, p); old != nil && old.e.Path == e.Path {
			e.Path = old.e.Path // one string for a path stored again, not one per layer
		}
		n := &node{e: e, ref: noCopy, src: refTo(l.Index, i)}
		var t *node // a hard link's target
		var tp string
		switch e.Type {
		case TypeFile:
			n.ref = refTo(l.Index, i)
		case TypeHardlink:
			tp, _ = place(root, e.link())
			t = lookup(root, tp)
			if tp == p {
				t = root // a link to itself names nothing: invalid
			}
			if t == nil || (t.e.Type != TypeFile && t.e.Type != TypeHardlink) {
				k := FindingHardlinkMissing
				if t != nil {
					k = FindingHardlinkInvalid
				}
				findings = append(findings, Finding{Layer: l.Index, Path: e.Path, Kind: k, Detail: e.link()})
				e.Skipped = true
				continue
			}
			le := *t.e
			le.Path, le.Type, le.Index = e.Path, TypeHardlink, e.Index
			le.setLink(e.link())
			n.e, n.ref = &le, t.ref
		case TypeDir:
			n.kids = map[string]*node{}
		}
		if e.Path == "." {
			root.e, root.src = e, n.src
		} else {
			parent := ensureDir(root, parentOf(p))
			if t != nil && lookup(root, tp) != t {
				// Making the link's parents replaced its target. The entry
				// is not marked skipped: that replacement must happen
				// again when the layer is merged again (UpTo).
				findings = append(findings, Finding{Layer: l.Index, Path: e.Path, Kind: FindingHardlinkMissing, Detail: e.link()})
				continue
			}
			base := path.Base(p)
			if old := parent.kids[base]; old != nil && old.isDir() && e.Type == TypeDir {
				old.e, old.src = e, n.src
			} else {
				parent.kids[base] = n
			}
		}
		if st := seen[e.Path]; st&listed == 0 {
			seen[e.Path] = st | listed
			kind := ChangeAdded
			if st&wasBelow != 0 {
				kind = ChangeChanged
				l.Changed++
			} else {
				l.Added++
			}
			if lists {
				l.Changes = append(l.Changes, Change{Path: e.Path, Kind: kind, Type: e.Type})
			}
		}
	}
	for p, t := range removed {
		if seen[p]&listed == 0 {
			l.Removed++
			if lists {
				l.Changes = append(l.Changes, Change{Path: p, Kind: ChangeRemoved, Type: t})
			}
		}
	}
	sort.SliceStable(l.Changes, func(i, j int) bool { return l.Changes[i].Path < l.Changes[j].Path })
	return findings
}

// walkTree visits n (at path p) and its subtree in lexical order.
func walkTree(n *node, p string, fn func(string, *node) error) error {
	if err := fn(p, n); err != nil {
		return err
	}
	names := make([]string, 0, len(n.kids))
	for name := range n.kids {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		if err := walkTree(n.kids[name], path.Join(p, name), fn); err != nil {
			return err
		}
	}
	return nil
}

// eachNode visits n and its subtree in no particular order, building no
// paths: for what needs every node, not their names.
func eachNode(n *node, fn func(*node)) {
	fn(n)
	for _, k := range n.kids {
		eachNode(k, fn)
	}
}
