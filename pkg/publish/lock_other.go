//go:build !unix

package publish

import "os"

func tryLock(*os.File) (bool, error) { return false, errLockUnsupported }

func unlockFile(*os.File) error { return errLockUnsupported }
