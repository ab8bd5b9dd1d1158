//go:build unix

package compile

import (
	"os/exec"
	"syscall"
)

// inOwnGroup makes cmd the leader of a new process group and its Cancel
// kill the whole group with SIGKILL.
func inOwnGroup(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error {
		// The group's id is the leader's pid; the kill reaches the members
		// even when the leader is gone.
		if err := syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL); err != nil && err != syscall.ESRCH {
			return cmd.Process.Kill()
		}
		return nil
	}
}
