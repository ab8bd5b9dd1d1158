package engine

import (
	"bufio"
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"time"

	"golang.org/x/term"

	"github.com/leve-build/leve/pkg/publish"
)

// MaxAPIVersion is the newest Docker Engine API version leve speaks; it
// uses the daemon's own when older (/_ping's API-Version).
const MaxAPIVersion = "1.41"

// Docker runs images through the Docker Engine API: it loads the image
// (POST /images/load, skipped when the engine has it), creates the
// container, attaches to it, starts it and waits for it, resizing its
// terminal on SIGWINCH.
type Docker struct {
	// Host is "unix:///PATH" or "tcp://HOST:PORT"; empty means
	// $DOCKER_HOST, else unix:///var/run/docker.sock.
	Host string
}

var _ Engine = Docker{}

// Name is "docker".
func (Docker) Name() string { return "docker" }

func (d Docker) host() string {
	if d.Host != "" {
		return d.Host
	}
	if h := os.Getenv("DOCKER_HOST"); h != "" {
		return h
	}
	return "unix:///var/run/docker.sock"
}

// dockerClient speaks one API version to one engine.
type dockerClient struct {
	host    string
	network string // "unix" or "tcp"
	addr    string
	http    *http.Client
	version string
}

func (d Docker) client(ctx context.Context) (*dockerClient, error) {
	h := d.host()
	u, err := url.Parse(h)
	if err != nil {
		return nil, fmt.Errorf("DOCKER_HOST %q: %v", h, err)
	}
	c := &dockerClient{host: h}
	switch u.Scheme {
	case "unix":
		c.network, c.addr = "unix", u.Path
	case "tcp", "http":
		c.network, c.addr = "tcp", u.Host
	default:
		return nil, fmt.Errorf("DOCKER_HOST %q: want unix:///PATH or tcp://HOST:PORT", h)
	}
	c.http = &http.Client{Transport: &http.Transport{DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
		return (&net.Dialer{}).DialContext(ctx, c.network, c.addr)
	}}}
	return c, c.ping(ctx)
}

// Available reports whether the engine answers /_ping.
func (d Docker) Available(ctx context.Context) bool {
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	_, err := d.client(ctx)
	return err == nil
}

// ping negotiates the API version: the daemon's if older than
// MaxAPIVersion.
func (c *dockerClient) ping(ctx context.Context) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://docker/_ping", nil)
	if err != nil {
		return err
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return fmt.Errorf("docker at %s does not answer: %w", c.host, err)
	}
	resp.Body.Close()
	c.version = MaxAPIVersion
	if v := resp.Header.Get("API-Version"); v != "" && versionLess(v, MaxAPIVersion) {
		c.version = v
	}
	return nil
}

// versionLess compares "MAJOR.MINOR" versions.
func versionLess(a, b string) bool {
	pa, pb := strings.SplitN(a, ".", 2), strings.SplitN(b, ".", 2)
	if len(pa) != 2 || len(pb) != 2 {
		return false
	}
	ma, _ := strconv.Atoi(pa[0])
	mb, _ := strconv.Atoi(pb[0])
	na, _ := strconv.Atoi(pa[1])
	nb, _ := strconv.Atoi(pb[1])
	return ma < mb || ma == mb && na < nb
}

// do sends one API call and decodes a JSON answer into out (if not nil).
func (c *dockerClient) do(ctx context.Context, method, path string, body, out any) (int, error) {
	var r io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return 0, err
		}
		r = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, "http://docker/v"+c.version+path, r)
	if err != nil {
		return 0, err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return 0, fmt.Errorf("docker %s %s: %w", method, path, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode >= 300 {
		var m struct{ Message string }
		b, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
		json.Unmarshal(b, &m)
		if m.Message == "" {
			m.Message = strings.TrimSpace(string(b))
		}
		return resp.StatusCode, fmt.Errorf("docker %s %s: HTTP %d: %s", method, strings.SplitN(path, "?", 2)[0], resp.StatusCode, m.Message)
	}
	if out != nil {
		if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
			return resp.StatusCode, fmt.Errorf("docker %s %s: reading the answer: %w", method, path, err)
		}
	}
	return resp.StatusCode, nil
}

// Run loads, creates, attaches, starts and waits for spec's container.
func (d Docker) Run(ctx context.Context, spec Spec) (ExitStatus, error) {
	c, err := d.client(ctx)
	if err != nil {
		return ExitStatus{}, engineErr("%w", err)
	}
	tag, err := d.load(ctx, c, spec)
	if err != nil {
		return ExitStatus{}, engineErr("%w", err)
	}
	var stdinFile *os.File
	if f, ok := spec.Stdin.(*os.File); ok {
		stdinFile = f
	}
	if spec.TTY && (stdinFile == nil || !term.IsTerminal(int(stdinFile.Fd()))) {
		return ExitStatus{}, engineErr("-t needs a terminal on standard input; run without -t, or from a terminal")
	}
	create := map[string]any{
		"Image":        tag,
		"Env":          spec.Env,
		"Tty":          spec.TTY,
		"OpenStdin":    spec.Interactive,
		"StdinOnce":    spec.Interactive,
		"AttachStdin":  spec.Interactive,
		"AttachStdout": true,
		"AttachStderr": true,
	}
	if len(spec.Args) > 0 {
		create["Cmd"] = spec.Args
	}
	hc := map[string]any{
		"ReadonlyRootfs": !spec.Writable,
		"Tmpfs":          map[string]string{"/tmp": ""},
		"SecurityOpt":    []string{"no-new-privileges"},
	}
	if spec.Network != "" {
		hc["NetworkMode"] = spec.Network
	}
	create["HostConfig"] = hc
	path := "/containers/create"
	if spec.Name != "" {
		path += "?name=" + url.QueryEscape(spec.Name)
	}
	var created struct{ Id string }
	if code, err := c.do(ctx, http.MethodPost, path, create, &created); err != nil {
		if code == http.StatusNotFound {
			return ExitStatus{}, &Error{Code: ExitEngine, Err: err}
		}
		return ExitStatus{}, engineErr("%w", err)
	}
	id := created.Id
	bg := context.WithoutCancel(ctx)
	if spec.Remove {
		defer c.do(bg, http.MethodDelete, "/containers/"+id+"?force=1", nil, nil)
	}
	conn, br, err := c.attach(ctx, id, spec.Interactive)
	if err != nil {
		return ExitStatus{}, engineErr("%w", err)
	}
	defer conn.Close()
	// The wait is registered (the engine sends its headers) before the
	// start, so that a quick exit is not missed.
	waitCh, err := c.wait(bg, id)
	if err != nil {
		return ExitStatus{}, engineErr("%w", err)
	}

	var restore func()
	if spec.TTY {
		st, err := term.MakeRaw(int(stdinFile.Fd()))
		if err != nil {
			return ExitStatus{}, engineErr("setting the terminal to raw mode: %w", err)
		}
		restore = func() { term.Restore(int(stdinFile.Fd()), st) }
		defer restore()
	}
	outDone := make(chan struct{})
	go func() {
		defer close(outDone)
		if spec.TTY {
			io.Copy(spec.Stdout, br)
		} else {
			demux(br, spec.Stdout, spec.Stderr)
		}
	}()
	if spec.Interactive {
		go func() {
			io.Copy(conn, spec.Stdin)
			if cw, ok := conn.(interface{ CloseWrite() error }); ok {
				cw.CloseWrite()
			}
		}()
	}
	if _, err := c.do(ctx, http.MethodPost, "/containers/"+id+"/start", nil, nil); err != nil {
		code := ExitEngine
		if strings.Contains(err.Error(), "executable file not found") || strings.Contains(err.Error(), "no such file") {
			code = ExitNotFound
		} else if strings.Contains(err.Error(), "permission denied") {
			code = ExitCannotRun
		}
		return ExitStatus{}, &Error{Code: code, Err: err}
	}
	if spec.TTY {
		resize := func() {
			w, h, err := term.GetSize(int(stdinFile.Fd()))
			if err == nil {
				c.do(bg, http.MethodPost, fmt.Sprintf("/containers/%s/resize?h=%d&w=%d", id, h, w), nil, nil)
			}
		}
		resize()
		winch := make(chan os.Signal, 1)
		signal.Notify(winch, syscall.SIGWINCH)
		defer signal.Stop(winch)
		go func() {
			for range winch {
				resize()
			}
		}()
	}
	done := make(chan struct{})
	stopped := make(chan syscall.Signal, 1)
	go func() {
		stopped <- forwardSignals(spec.Signals, done,
			func(s syscall.Signal) {
				c.do(bg, http.MethodPost, "/containers/"+id+"/kill?signal="+strconv.Itoa(int(s)), nil, nil)
			},
			func() { c.do(bg, http.MethodPost, "/containers/"+id+"/kill?signal=KILL", nil, nil) })
	}()
	res := <-waitCh
	close(done)
	// The output stream ends once the container's last bytes are copied.
	select {
	case <-outDone:
	case <-time.After(2 * time.Second):
	}
	if s := <-stopped; s != 0 {
		return ExitStatus{Code: 128 + int(s), Stopped: true}, nil
	}
	if res.err != nil {
		return ExitStatus{}, engineErr("waiting for the container: %w", res.err)
	}
	return ExitStatus{Code: res.code}, nil
}

type waitResult struct {
	code int
	err  error
}

// wait asks for container id's next exit; the answer comes on the channel.
func (c *dockerClient) wait(ctx context.Context, id string) (<-chan waitResult, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, "http://docker/v"+c.version+"/containers/"+id+"/wait?condition=next-exit", nil)
	if err != nil {
		return nil, err
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, fmt.Errorf("docker wait: %w", err)
	}
	if resp.StatusCode != http.StatusOK {
		b, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
		resp.Body.Close()
		return nil, fmt.Errorf("docker wait: HTTP %d: %s", resp.StatusCode, strings.TrimSpace(string(b)))
	}
	ch := make(chan waitResult, 1)
	go func() {
		defer resp.Body.Close()
		var w struct {
			StatusCode int
			Error      *struct{ Message string }
		}
		err := json.NewDecoder(resp.Body).Decode(&w)
		if err == nil && w.Error != nil && w.Error.Message != "" {
			err = errors.New(w.Error.Message)
		}
		ch <- waitResult{w.StatusCode, err}
	}()
	return ch, nil
}

// load gives the engine spec's image, unless it has it already, and
// returns the tag to create the container from.
func (d Docker) load(ctx context.Context, c *dockerClient, spec Spec) (string, error) {
	cfg, err := spec.Image.ConfigName()
	if err != nil {
		return "", fmt.Errorf("reading %s: %w", spec.Ref, err)
	}
	ref := publish.Ref{Name: "leve-run", Tag: cfg.Hex[:12]}
	tag := ref.Name + ":" + ref.Tag
	var have struct{ Id string }
	if _, err := c.do(ctx, http.MethodGet, "/images/"+tag+"/json", nil, &have); err == nil && have.Id == cfg.String() {
		return tag, nil
	}
	if _, err := (publish.Daemon{Host: c.host}).Publish(ctx, spec.Image, ref); err != nil {
		return "", fmt.Errorf("%s: %w", spec.Ref, err)
	}
	return tag, nil
}

// attach opens the hijacked stream of container id.
func (c *dockerClient) attach(ctx context.Context, id string, stdin bool) (net.Conn, *bufio.Reader, error) {
	conn, err := (&net.Dialer{}).DialContext(ctx, c.network, c.addr)
	if err != nil {
		return nil, nil, fmt.Errorf("docker at %s: %w", c.host, err)
	}
	q := "stream=1&stdout=1&stderr=1"
	if stdin {
		q += "&stdin=1"
	}
	req, _ := http.NewRequest(http.MethodPost, "http://docker/v"+c.version+"/containers/"+id+"/attach?"+q, nil)
	req.Header.Set("Connection", "Upgrade")
	req.Header.Set("Upgrade", "tcp")
	if err := req.Write(conn); err != nil {
		conn.Close()
		return nil, nil, fmt.Errorf("docker attach: %w", err)
	}
	br := bufio.NewReader(conn)
	resp, err := http.ReadResponse(br, req)
	if err != nil {
		conn.Close()
		return nil, nil, fmt.Errorf("docker attach: %w", err)
	}
	if resp.StatusCode != http.StatusSwitchingProtocols && resp.StatusCode != http.StatusOK {
		b, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
		conn.Close()
		return nil, nil, fmt.Errorf("docker attach: HTTP %d: %s", resp.StatusCode, strings.TrimSpace(string(b)))
	}
	return conn, br, nil
}

// demux splits Docker's multiplexed stream (an 8-byte header per frame:
// stream, 3 zero bytes, big-endian length) into stdout and stderr.
func demux(r io.Reader, stdout, stderr io.Writer) error {
	hdr := make([]byte, 8)
	for {
		if _, err := io.ReadFull(r, hdr); err != nil {
			if err == io.EOF {
				return nil
			}
			return err
		}
		n := int64(binary.BigEndian.Uint32(hdr[4:]))
		w := stdout
		if hdr[0] == 2 {
			w = stderr
		}
		_, err := io.CopyN(w, r, n)
		if err != nil {
			return err
		}
	}
}
