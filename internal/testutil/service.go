package testutil

import (
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"syscall"
	"time"
)

// Service is a background process a test binary starts (a registry, a
// Docker daemon) and stops by its PID.
type Service struct {
	Name string
	cmd  *exec.Cmd
	done chan struct{} // closed when the process has exited
	log  string
}

// StartService starts cmd with its output appended to logPath, in its own
// process group and with SIGTERM sent to it should the test binary die,
// then polls ready every interval until it returns nil. It fails when the
// process exits first or timeout passes, with the end of the log.
func StartService(name string, cmd *exec.Cmd, logPath string, timeout, interval time.Duration, ready func() error) (*Service, error) {
	logFile, err := os.OpenFile(logPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return nil, err
	}
	defer logFile.Close()
	cmd.Stdout, cmd.Stderr = logFile, logFile
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGTERM}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("starting %s: %w", name, err)
	}
	s := &Service{Name: name, cmd: cmd, done: make(chan struct{}), log: logPath}
	go func() { cmd.Wait(); close(s.done) }()
	deadline := time.Now().Add(timeout)
	for {
		err := ready()
		if err == nil {
			return s, nil
		}
		select {
		case <-s.done:
			return nil, fmt.Errorf("%s exited before it was ready:\n%s", name, s.tail())
		case <-time.After(interval):
		}
		if time.Now().After(deadline) {
			s.Stop(5 * time.Second)
			return nil, fmt.Errorf("%s not ready after %v (last error: %v):\n%s", name, timeout, err, s.tail())
		}
	}
}

// Stop sends SIGTERM to the service's PID and waits up to grace for it to
// exit, then kills its process group.
func (s *Service) Stop(grace time.Duration) {
	if s == nil {
		return
	}
	p := s.cmd.Process
	p.Signal(syscall.SIGTERM)
	select {
	case <-s.done:
	case <-time.After(grace):
		fmt.Fprintf(os.Stderr, "%s (pid %d) ignored SIGTERM for %v; killing its process group\n", s.Name, p.Pid, grace)
		syscall.Kill(-p.Pid, syscall.SIGKILL)
		<-s.done
	}
}

// tail returns the last 4 KB of the service's log.
func (s *Service) tail() string {
	b, _ := os.ReadFile(s.log)
	if len(b) > 4096 {
		b = b[len(b)-4096:]
	}
	return string(b)
}

// HTTPReady returns a readiness check that GETs url with client and wants
// 200 OK.
func HTTPReady(client *http.Client, url string) func() error {
	return func() error {
		resp, err := client.Get(url)
		if err != nil {
			return err
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			return fmt.Errorf("GET %s: %s", url, resp.Status)
		}
		return nil
	}
}

// FreeLoopbackAddr returns a 127.0.0.1:PORT that was free a moment ago.
func FreeLoopbackAddr() (string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer l.Close()
	return l.Addr().String(), nil
}
