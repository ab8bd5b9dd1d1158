package pipeline

import (
	"errors"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"strings"
)

// ErrAddShadows is returned for an Add that would put a file where leve
// puts the binary.
var ErrAddShadows = errors.New("it would shadow the binary")

// An AddError is the failure of one of Options.Files.Adds.
type AddError struct {
	Add Add
	Err error
}

func (e *AddError) Error() string {
	return fmt.Sprintf("adding %s:%s: %v", e.Add.Src, e.Add.Dest, e.Err)
}

// Unwrap returns the cause.
func (e *AddError) Unwrap() error { return e.Err }

// checkAdds refuses an Add whose files would land on the binary's path
// binPath (or under it), or would make its directory, AppDir, a file:
// the later layer would silently win over one of them.
func checkAdds(adds []Add, binPath string) error {
	for _, a := range adds {
		fi, err := os.Stat(a.Src)
		if err != nil {
			continue // reading the files reports it
		}
		dest := path.Clean("/" + a.Dest)
		if !fi.IsDir() && strings.HasSuffix(a.Dest, "/") {
			dest = path.Join(dest, filepath.Base(a.Src))
		}
		switch {
		case dest == binPath || strings.HasPrefix(dest, binPath+"/"):
			return &AddError{a, fmt.Errorf("%w: %s is the binary's path; choose another DEST, e.g. %s", ErrAddShadows, binPath, path.Join(AppDir, "data", path.Base(dest)))}
		case !fi.IsDir() && dest == AppDir:
			return &AddError{a, fmt.Errorf("%w: %s is the binary's directory; give %s/ to copy %s into it", ErrAddShadows, AppDir, AppDir, filepath.Base(a.Src))}
		case fi.IsDir() && (dest == "/" || strings.HasPrefix(binPath, dest+"/")):
			rel := strings.TrimPrefix(strings.TrimPrefix(binPath, dest), "/")
			if _, err := os.Lstat(filepath.Join(a.Src, filepath.FromSlash(rel))); err == nil {
				return &AddError{a, fmt.Errorf("%w: %s holds %s, which would land on the binary's path %s; rename or remove it, or choose another DEST", ErrAddShadows, a.Src, rel, binPath)}
			}
		}
	}
	return nil
}
