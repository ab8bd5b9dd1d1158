package compile

import (
	"context"
	"os/exec"
	"strings"
	"time"
)

// killGrace bounds how long Wait of a go command waits, once ctx is done
// and its process group killed, for its output pipes to close.
const killGrace = 500 * time.Millisecond

// GoCommand returns the command "go args..." run in a process group of its
// own: when ctx is done, the whole group is killed (go build's compile,
// link and asm processes with go, which otherwise keep running), and Wait
// returns within killGrace even if a descendant still holds its output
// pipes. Every exec of the go command in leve goes through it. The
// group is not the terminal's foreground group: Ctrl-C reaches leve, not
// go, and the command's standard streams must not be the terminal (leve
// gives it pipes and /dev/null).
func GoCommand(ctx context.Context, args ...string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, "go", args...)
	inOwnGroup(cmd)
	cmd.WaitDelay = killGrace
	return cmd
}

// GOROOT returns the Go toolchain's root directory ("go env GOROOT").
func GOROOT(ctx context.Context) (string, error) {
	out, err := GoCommand(ctx, "env", "GOROOT").Output()
	if err != nil {
		return "", err
	}
	return strings.TrimSpace(string(out)), nil
}
