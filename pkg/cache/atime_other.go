//go:build !linux

package cache

import (
	"io/fs"
	"time"
)

// accessTime is not read outside Linux: the last use of an entry is its
// modification time.
func accessTime(fs.FileInfo) (time.Time, bool) { return time.Time{}, false }
