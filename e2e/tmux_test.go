package e2e

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// screen is a command running on a pseudo-terminal in a private tmux
// server, read and typed into as a person at a terminal would.
type screen struct {
	t    *testing.T
	tmux string
	sock string
}

// startScreen runs script with bash in dir on a new tmux server of its own
// (a private socket, removed at the end), with env added to the
// environment. When script ends, the screen shows "SCREEN-EXIT=CODE".
func startScreen(t *testing.T, dir string, env []string, script string) *screen {
	t.Helper()
	tmux := needTool(t, "tmux")
	s := &screen{t: t, tmux: tmux, sock: filepath.Join(t.TempDir(), "tmux.sock")}
	file := filepath.Join(t.TempDir(), "script.sh")
	if err := os.WriteFile(file, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(tmux, "-S", s.sock, "-f", "/dev/null", "new-session", "-d", "-x", "200", "-y", "50",
		fmt.Sprintf("bash --noprofile --norc %s; echo SCREEN-EXIT=$?; sleep 3600", file))
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("tmux new-session: %v\n%s", err, out)
	}
	if _, err := exec.Command(tmux, "-S", s.sock, "set-option", "-g", "history-limit", "100000").CombinedOutput(); err != nil {
		t.Fatalf("tmux set-option: %v", err)
	}
	t.Cleanup(func() { exec.Command(tmux, "-S", s.sock, "kill-server").Run() })
	return s
}

// text returns everything the terminal has shown, scroll-back included.
func (s *screen) text() string {
	out, err := exec.Command(s.tmux, "-S", s.sock, "capture-pane", "-p", "-J", "-S", "-100000").Output()
	if err != nil {
		s.t.Fatalf("tmux capture-pane: %v", err)
	}
	return string(out)
}

// typeLine types line and Enter, as a person at the keyboard.
func (s *screen) typeLine(line string) {
	if out, err := exec.Command(s.tmux, "-S", s.sock, "send-keys", "-l", line).CombinedOutput(); err != nil {
		s.t.Fatalf("tmux send-keys: %v\n%s", err, out)
	}
	if out, err := exec.Command(s.tmux, "-S", s.sock, "send-keys", "Enter").CombinedOutput(); err != nil {
		s.t.Fatalf("tmux send-keys: %v\n%s", err, out)
	}
}

// exitCode returns the script's exit code once it has ended, and false
// while it runs.
func (s *screen) exitCode(text string) (int, bool) {
	i := strings.LastIndex(text, "SCREEN-EXIT=")
	if i < 0 {
		return 0, false
	}
	var code int
	if _, err := fmt.Sscanf(text[i:], "SCREEN-EXIT=%d", &code); err != nil {
		return 0, false
	}
	return code, true
}

// answer waits for the script to end within timeout, typing reply each
// time prompt appears once more on the screen, and returns the screen's
// text and the script's exit code.
func (s *screen) answer(prompt, reply string, timeout time.Duration) (string, int) {
	s.t.Helper()
	answered := 0
	deadline := time.Now().Add(timeout)
	for {
		text := s.text()
		if code, done := s.exitCode(text); done {
			return text, code
		}
		if n := strings.Count(text, prompt); n > answered {
			s.typeLine(reply)
			answered = n
		}
		if time.Now().After(deadline) {
			s.t.Fatalf("still running after %v; the screen shows:\n%s", timeout, text)
		}
		time.Sleep(200 * time.Millisecond)
	}
}
