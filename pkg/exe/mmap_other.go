//go:build !(linux || darwin || freebsd || netbsd || openbsd)

package exe

import "os"

// mapFile reports that files are not mapped on this system: they are read.
func mapFile(*os.File, int64) ([]byte, func() error, bool) { return nil, nil, false }
