//go:build !linux

package imagefs

import "errors"

func mknod(string, *Entry) error { return errors.ErrUnsupported }

func mkfifo(string) error { return errors.ErrUnsupported }

func setxattr(string, string, []byte) error { return errors.ErrUnsupported }
