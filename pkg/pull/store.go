package pull

import (
	"path/filepath"
	"strings"

	"github.com/google/go-containerregistry/pkg/name"

	"github.com/leve-build/leve/pkg/store"
)

// IsBareName reports whether ref is a NAME[:TAG] with no registry host,
// by Docker's rule: the first path element holds no '.' nor ':' and is
// not "localhost", and ref names no digest. Such a name is looked up in
// the local store first, then taken as a registry reference.
func IsBareName(ref string) bool {
	if ref == "" || strings.Contains(ref, "@") || strings.HasPrefix(ref, "/") || strings.HasPrefix(ref, ".") {
		return false
	}
	if first, _, ok := strings.Cut(ref, "/"); ok && (strings.ContainsAny(first, ".:") || first == "localhost") {
		return false
	}
	_, err := name.NewTag(ref)
	return err == nil
}

// openStore opens the bare name ref from the local store at dir, if the
// store holds it.
func (s *Source) openStore(ref, dir string) (found bool, err error) {
	ldir, tag, ok := store.Store{Dir: dir}.Find(ref)
	if !ok {
		return false, nil
	}
	s.From = "the local store (" + filepath.ToSlash(ldir) + ":" + tag + ")"
	return true, s.openLayoutFS(dirFS(ldir), tag)
}
