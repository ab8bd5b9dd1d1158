//go:build linux || darwin || freebsd || netbsd || openbsd

package inspect

import (
	"os"
	"syscall"
)

// mapCopy maps the first n bytes of the regular file f copy-on-write:
// writes to the result change the process's copy only, and the pages
// it only reads stay the file's, outside the heap. ok is false when f
// cannot be mapped; the caller reads it instead.
func mapCopy(f *os.File, n int64) (data []byte, unmap func() error, ok bool) {
	if n <= 0 || int64(int(n)) != n {
		return nil, nil, false
	}
	rc, err := f.SyscallConn()
	if err != nil {
		return nil, nil, false
	}
	var merr error
	if err := rc.Control(func(fd uintptr) {
		data, merr = syscall.Mmap(int(fd), 0, int(n), syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_PRIVATE)
	}); err != nil || merr != nil {
		return nil, nil, false
	}
	return data, func() error { return syscall.Munmap(data) }, true
}
