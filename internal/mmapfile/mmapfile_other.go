//go:build !(linux || darwin || freebsd || netbsd || openbsd)

package mmapfile

import "os"

// Map reports that files are not mapped on this system: they are read.
func Map(*os.File, int64, Mode) ([]byte, func() error, bool) { return nil, nil, false }
