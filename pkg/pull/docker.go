package pull

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"

	"github.com/leve-build/leve/internal/oneline"
)

// dockerAPIVersion is the Engine API version leve speaks: the one of
// Debian's dockerd 20.10. A newer daemon answers it too; an older one is
// spoken to in its own version.
const dockerAPIVersion = "1.41"

// defaultDockerHost is where the daemon listens when DOCKER_HOST is unset.
const defaultDockerHost = "unix:///var/run/docker.sock"

// ErrNoDaemon is wrapped by the error of a docker: source whose daemon
// does not answer.
var ErrNoDaemon = errors.New("the Docker daemon does not answer")

// ErrNotFound is wrapped by the error of a docker: or podman: source whose
// image the daemon or storage does not hold.
var ErrNotFound = errors.New("no such image")

// dockerClient speaks the Engine API over a unix socket or TCP.
type dockerClient struct {
	host string // DOCKER_HOST as given, for errors
	base string // URL prefix of the API, its version included
	http *http.Client
}

// newDockerClient reaches the daemon at host ("unix:///path" or
// "tcp://host:port") and negotiates the API version with GET /_ping.
func newDockerClient(ctx context.Context, host string) (*dockerClient, error) {
	u, err := url.Parse(host)
	if err != nil {
		return nil, fmt.Errorf("DOCKER_HOST=%s is not unix:///PATH or tcp://HOST:PORT", host)
	}
	tr := &http.Transport{}
	c := &dockerClient{host: host, http: &http.Client{Transport: tr}}
	switch u.Scheme {
	case "unix":
		sock := u.Path
		tr.DialContext = func(ctx context.Context, _, _ string) (net.Conn, error) {
			var d net.Dialer
			return d.DialContext(ctx, "unix", sock)
		}
		c.base = "http://docker"
	case "tcp", "http":
		if os.Getenv("DOCKER_TLS_VERIFY") != "" {
			return nil, fmt.Errorf("DOCKER_TLS_VERIFY is set: leve reaches the Docker daemon without TLS only; unset it or save the image with docker save and open it as docker-archive:FILE")
		}
		c.base = "http://" + u.Host
	default:
		return nil, fmt.Errorf("DOCKER_HOST=%s is not unix:///PATH or tcp://HOST:PORT", host)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.base+"/_ping", nil)
	if err != nil {
		return nil, err
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, fmt.Errorf("%w at DOCKER_HOST=%s (%s); start dockerd or set DOCKER_HOST to its socket", ErrNoDaemon, host, oneline.First(err.Error()))
	}
	io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<10))
	resp.Body.Close()
	v := dockerAPIVersion
	if got := resp.Header.Get("API-Version"); got != "" && versionLess(got, v) {
		v = got
	}
	c.base += "/v" + v
	return c, nil
}

// versionLess reports whether API version a ("1.40") is older than b.
func versionLess(a, b string) bool {
	pa, pb := strings.SplitN(a, ".", 2), strings.SplitN(b, ".", 2)
	for i := 0; i < 2; i++ {
		var x, y int
		if i < len(pa) {
			x, _ = strconv.Atoi(pa[i])
		}
		if i < len(pb) {
			y, _ = strconv.Atoi(pb[i])
		}
		if x != y {
			return x < y
		}
	}
	return false
}

// get sends GET path and returns the response of a 200; a 404 is
// ErrNotFound.
func (c *dockerClient) get(ctx context.Context, path string) (*http.Response, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.base+path, nil)
	if err != nil {
		return nil, err
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, fmt.Errorf("%w at DOCKER_HOST=%s (%s)", ErrNoDaemon, c.host, oneline.First(err.Error()))
	}
	if resp.StatusCode == http.StatusOK {
		return resp, nil
	}
	defer resp.Body.Close()
	msg, _ := io.ReadAll(io.LimitReader(resp.Body, 4<<10))
	if resp.StatusCode == http.StatusNotFound {
		return nil, ErrNotFound
	}
	return nil, fmt.Errorf("the Docker daemon at DOCKER_HOST=%s answered GET %s with %s: %s", c.host, path, resp.Status, oneline.First(strings.TrimSpace(string(msg))))
}

// openDocker saves the image name from the Docker daemon on DOCKER_HOST
// (GET /images/NAME/get, a docker save archive) to a temporary file,
// removed at once and read while open, and reads it as an archive.
func (s *Source) openDocker(ctx context.Context, image string) error {
	if image == "" {
		return fmt.Errorf("%s: no image name; use docker:NAME[:TAG]", s.name)
	}
	host := os.Getenv("DOCKER_HOST")
	if host == "" {
		host = defaultDockerHost
	}
	c, err := newDockerClient(ctx, host)
	if err != nil {
		return fmt.Errorf("%s: %w", s.name, err)
	}
	info, err := c.get(ctx, "/images/"+image+"/json")
	if err != nil {
		if errors.Is(err, ErrNotFound) {
			return fmt.Errorf("%s: the Docker daemon at DOCKER_HOST=%s has no image %s (%w); docker pull or docker load it first", s.name, host, image, ErrNotFound)
		}
		return fmt.Errorf("%s: %w", s.name, err)
	}
	io.Copy(io.Discard, io.LimitReader(info.Body, 1<<20))
	info.Body.Close()
	resp, err := c.get(ctx, "/images/get?names="+url.QueryEscape(image))
	if err != nil {
		return fmt.Errorf("%s: saving the image: %w", s.name, err)
	}
	defer resp.Body.Close()
	f, err := saveTemp(ctx, resp.Body)
	if err != nil {
		return fmt.Errorf("%s: saving the image from DOCKER_HOST=%s: %w", s.name, host, err)
	}
	return s.openArchiveFile(f, "", "docker-archive")
}

// saveTemp copies r to a temporary file that is removed at once: the
// file lives while it is open. It stops when ctx is done.
func saveTemp(ctx context.Context, r io.Reader) (*os.File, error) {
	f, err := os.CreateTemp("", "leve-image-*.tar")
	if err != nil {
		return nil, err
	}
	os.Remove(f.Name())
	if _, err := io.Copy(f, ctxReader{ctx, r}); err != nil {
		f.Close()
		return nil, err
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		f.Close()
		return nil, err
	}
	return f, nil
}

// ctxReader fails its reads once ctx is done.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}
