//go:build linux || darwin || freebsd || netbsd || openbsd

package exe

import (
	"os"
	"syscall"
)

// mapFile maps the first n bytes of the regular file f read-only; ok is
// false when f cannot be mapped, and the caller reads it instead.
func mapFile(f *os.File, n int64) (data []byte, unmap func() error, ok bool) {
	if n <= 0 || int64(int(n)) != n {
		return nil, nil, false
	}
	if fi, err := f.Stat(); err != nil || !fi.Mode().IsRegular() {
		return nil, nil, false
	}
	rc, err := f.SyscallConn()
	if err != nil {
		return nil, nil, false
	}
	var merr error
	if err := rc.Control(func(fd uintptr) {
		data, merr = syscall.Mmap(int(fd), 0, int(n), syscall.PROT_READ, syscall.MAP_SHARED)
	}); err != nil || merr != nil {
		return nil, nil, false
	}
	return data, func() error { return syscall.Munmap(data) }, true
}
