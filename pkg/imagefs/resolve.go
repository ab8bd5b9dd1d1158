package imagefs

import (
	"path"
	"strings"
)

// linkFunc reports whether the root-relative path p (whose parents are
// already resolved) is a symlink, and its target. A missing path is not
// a link.
type linkFunc func(p string) (target string, isLink bool, err error)

// resolveIn resolves p inside a root, as securejoin does: symlinks are
// followed with the root as "/", ".." never climbs above the root, and a
// missing component ends resolution lexically. followLast says whether a
// symlink in the last component is followed. The result is root-relative
// and clean ("." for the root).
func resolveIn(p string, followLast bool, readlink linkFunc) (string, error) {
	pending := strings.Split(p, "/")
	cur := "."
	hops := 0
	for len(pending) > 0 {
		c := pending[0]
		pending = pending[1:]
		switch c {
		case "", ".":
			continue
		case "..":
			cur = parentOf(cur)
			continue
		}
		next := path.Join(cur, c)
		if !followLast && !hasComponent(pending) {
			cur = next
			continue
		}
		target, isLink, err := readlink(next)
		if err != nil {
			return "", err
		}
		if !isLink {
			cur = next
			continue
		}
		hops++
		if hops > MaxSymlinks {
			return "", ErrTooManyLinks
		}
		if strings.HasPrefix(target, "/") {
			cur = "."
		}
		pending = append(strings.Split(target, "/"), pending...)
	}
	return cur, nil
}

// hasComponent reports whether any of the remaining components names
// something (not "" or ".").
func hasComponent(cs []string) bool {
	for _, c := range cs {
		if c != "" && c != "." {
			return true
		}
	}
	return false
}
