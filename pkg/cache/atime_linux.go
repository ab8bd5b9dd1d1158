package cache

import (
	"io/fs"
	"syscall"
	"time"
)

// accessTime returns the access time of fi.
func accessTime(fi fs.FileInfo) (time.Time, bool) {
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return time.Time{}, false
	}
	return time.Unix(st.Atim.Unix()), true
}
