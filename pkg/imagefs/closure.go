package imagefs

import (
	"io/fs"
	"sort"
)

// Closure returns the root-relative paths to keep so that each of paths
// resolves in a tree made of only them (with WithOnly) as it does in the
// image: every symlink met on the way, the final target, and a hard
// link's target. A directory as final target keeps its subtree. A path
// that does not exist is an fs.ErrNotExist error naming it.
func (f *FS) Closure(paths ...string) ([]string, error) {
	keep := map[string]bool{}
	for _, p := range paths {
		var links []string
		read := treeLinks(f.root)
		r, err := resolveIn(p, true, func(q string) (string, bool, error) {
			t, ok, err := read(q)
			if ok {
				links = append(links, q)
			}
			return t, ok, err
		})
		if err != nil {
			return nil, &fs.PathError{Op: "closure", Path: p, Err: err}
		}
		n := lookup(f.root, r)
		if n == nil {
			return nil, &fs.PathError{Op: "closure", Path: p, Err: fs.ErrNotExist}
		}
		for _, l := range links {
			keep[l] = true
		}
		keep[r] = true
		if n.e.Type == TypeHardlink {
			keep[n.e.link()] = true
		}
	}
	out := make([]string, 0, len(keep))
	for p := range keep {
		out = append(out, p)
	}
	sort.Strings(out)
	return out, nil
}
