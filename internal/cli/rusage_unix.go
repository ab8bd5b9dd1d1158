//go:build unix

package cli

import (
	"strconv"
	"syscall"
	"time"
)

// cpuTimes returns the user and system CPU seconds used so far by leve
// itself and by the commands it ran (go list, go build) that have ended.
func cpuTimes() map[string]string {
	m := map[string]string{}
	for who, name := range map[int]string{syscall.RUSAGE_SELF: "leve", syscall.RUSAGE_CHILDREN: "commands"} {
		var ru syscall.Rusage
		if syscall.Getrusage(who, &ru) != nil {
			continue
		}
		m[name+"_user_s"] = seconds(ru.Utime)
		m[name+"_sys_s"] = seconds(ru.Stime)
	}
	return m
}

func seconds(t syscall.Timeval) string {
	d := time.Duration(t.Nano())
	return strconv.FormatFloat(d.Seconds(), 'f', 3, 64)
}
