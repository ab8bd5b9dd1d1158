//go:build linux || darwin || freebsd || netbsd || openbsd

package mmapfile

import (
	"os"
	"syscall"
)

// Map maps the first n bytes of the regular file f in mode m; unmap
// releases them. ok is false when f cannot be mapped (not a regular file,
// n out of range, or the system refuses): the caller reads it instead.
func Map(f *os.File, n int64, m Mode) (data []byte, unmap func() error, ok bool) {
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
	prot, flags := syscall.PROT_READ, syscall.MAP_SHARED
	if m == CopyOnWrite {
		prot, flags = syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_PRIVATE
	}
	var merr error
	if err := rc.Control(func(fd uintptr) {
		data, merr = syscall.Mmap(int(fd), 0, int(n), prot, flags)
	}); err != nil || merr != nil {
		return nil, nil, false
	}
	return data, func() error { return syscall.Munmap(data) }, true
}
