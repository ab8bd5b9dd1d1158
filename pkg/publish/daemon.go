package publish

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"strings"

	"github.com/leve-build/leve/internal/oneline"
)

// Daemon loads images into a Docker engine through its API
// (POST /images/load), on DOCKER_HOST or the default socket. The engine
// holds one image per tag, so of an index it loads the host's platform.
type Daemon struct {
	// Host is the engine address, "unix:///path" or "tcp://host:port";
	// empty means $DOCKER_HOST, else unix:///var/run/docker.sock.
	Host string
}

var _ Sink = Daemon{}

// Publish loads art into the engine as ref.
func (d Daemon) Publish(ctx context.Context, art Artifact, ref Ref) (Published, error) {
	host := d.host()
	client, base, err := engineClient(host)
	if err != nil {
		return Published{}, err
	}
	files, desc, note, err := archiveFiles(art, ref)
	if err != nil {
		return Published{}, fmt.Errorf("loading into docker: %w", err)
	}
	pr, pw := io.Pipe()
	go func() { pw.CloseWithError(writeTar(pw, files)) }()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, base+"/images/load?quiet=1", pr)
	if err != nil {
		return Published{}, fmt.Errorf("loading into docker: %w", err)
	}
	req.Header.Set("Content-Type", "application/x-tar")
	resp, err := client.Do(req)
	if err != nil {
		return Published{}, fmt.Errorf("loading into docker at %s: cannot reach the engine (%s); start dockerd or set DOCKER_HOST", host, oneline.First(err.Error()))
	}
	defer resp.Body.Close()
	if err := loadResult(resp); err != nil {
		return Published{}, fmt.Errorf("loading into docker at %s: %w", host, err)
	}
	if note != "" {
		note = "docker: " + note
	}
	return Published{Kind: "docker", Location: host, Digest: desc.Digest, Note: note}, nil
}

func (d Daemon) host() string {
	if d.Host != "" {
		return d.Host
	}
	if h := os.Getenv("DOCKER_HOST"); h != "" {
		return h
	}
	return "unix:///var/run/docker.sock"
}

// engineClient returns an HTTP client and base URL for a Docker host.
func engineClient(host string) (*http.Client, string, error) {
	u, err := url.Parse(host)
	if err != nil {
		return nil, "", fmt.Errorf("DOCKER_HOST %q: %v", host, err)
	}
	switch u.Scheme {
	case "unix":
		sock := u.Path
		tr := &http.Transport{DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
			return (&net.Dialer{}).DialContext(ctx, "unix", sock)
		}}
		return &http.Client{Transport: tr}, "http://docker", nil
	case "tcp", "http":
		return &http.Client{}, "http://" + u.Host, nil
	default:
		return nil, "", fmt.Errorf("DOCKER_HOST %q: want unix:///PATH or tcp://HOST:PORT", host)
	}
}

// loadResult reads the engine's JSON message stream and returns the first
// error it reports.
func loadResult(resp *http.Response) error {
	if resp.StatusCode != http.StatusOK {
		b, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
		return fmt.Errorf("the engine answered HTTP %d: %s", resp.StatusCode, oneline.First(string(b)))
	}
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 64*1024), 1<<20)
	for sc.Scan() {
		var msg struct {
			Error       string
			ErrorDetail struct{ Message string }
		}
		if json.Unmarshal(sc.Bytes(), &msg) == nil && msg.Error != "" {
			return fmt.Errorf("the engine refused the image: %s", strings.TrimSpace(msg.Error))
		}
	}
	return sc.Err()
}
