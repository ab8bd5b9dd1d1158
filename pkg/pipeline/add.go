package pipeline

import (
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/leve-build/leve/pkg/assemble"
)

// addEntries turns the host files of Options.Files.Adds into layer entries that
// name them: their contents are read while the layer is written, never
// held in memory. Modes are normalized (0755 for directories and executables, 0644 for
// other files) so the layer does not depend on the host's umask.
func addEntries(adds []Add) ([]assemble.Entry, string, error) {
	var entries []assemble.Entry
	var desc []string
	for _, a := range adds {
		desc = append(desc, a.Src+":"+a.Dest)
		fi, err := os.Stat(a.Src)
		if err != nil {
			return nil, "", &AddError{a, err}
		}
		dest := path.Clean("/" + a.Dest)
		if !fi.IsDir() && strings.HasSuffix(a.Dest, "/") {
			dest = path.Join(dest, filepath.Base(a.Src))
		}
		err = filepath.WalkDir(a.Src, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			rel, err := filepath.Rel(a.Src, p)
			if err != nil {
				return err
			}
			e := assemble.Entry{Path: path.Join(dest, filepath.ToSlash(rel))}
			switch {
			case d.Type()&fs.ModeSymlink != 0:
				e.Mode = fs.ModeSymlink | 0o777
				e.Target, err = os.Readlink(p)
			case d.IsDir():
				e.Mode = fs.ModeDir | 0o755
			case !d.Type().IsRegular():
				return fmt.Errorf("%s is a %s; leve copies regular files, directories and symbolic links only", p, fileKind(d.Type()))
			default:
				info, ierr := d.Info()
				if ierr != nil {
					return ierr
				}
				e.Mode = 0o644
				if info.Mode()&0o111 != 0 {
					e.Mode = 0o755
				}
				e.Source = p
			}
			entries = append(entries, e)
			return err
		})
		if err != nil {
			return nil, "", &AddError{a, err}
		}
	}
	return entries, strings.Join(desc, " "), nil
}

// fileKind names a special file type for an error message.
func fileKind(m fs.FileMode) string {
	switch {
	case m&fs.ModeNamedPipe != 0:
		return "named pipe"
	case m&fs.ModeSocket != 0:
		return "socket"
	case m&fs.ModeDevice != 0:
		return "device"
	default:
		return "special file"
	}
}
