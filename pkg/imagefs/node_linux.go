package imagefs

import "syscall"

func mknod(target string, e *Entry) error {
	mode := uint32(e.Mode.Perm())
	if e.Type == TypeCharDevice {
		mode |= syscall.S_IFCHR
	} else {
		mode |= syscall.S_IFBLK
	}
	ma, mi := uint64(e.Devmajor), uint64(e.Devminor)
	dev := (ma&0xfffff000)<<32 | (ma&0xfff)<<8 | (mi&0xffffff00)<<12 | mi&0xff
	return syscall.Mknod(target, mode, int(dev))
}

func mkfifo(target string) error { return syscall.Mkfifo(target, 0o600) }

func setxattr(target, name string, value []byte) error {
	return syscall.Setxattr(target, name, value, 0)
}
