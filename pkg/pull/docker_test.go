package pull

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// fakeDocker serves the Engine API on a unix socket: /_ping answering
// version, and one image, app:1, saved as archive. It records the paths
// asked for.
func fakeDocker(t *testing.T, version string, archive []byte) (host string, paths func() []string) {
	t.Helper()
	sock := filepath.Join(t.TempDir(), "d.sock")
	ln, err := net.Listen("unix", sock)
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var got []string
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		got = append(got, r.URL.RequestURI())
		mu.Unlock()
		w.Header().Set("API-Version", version)
		v := r.URL.Path[:strings.Index(r.URL.Path[1:]+"/", "/")+1] // "/v1.41"
		switch {
		case r.URL.Path == "/_ping":
			w.Write([]byte("OK"))
		case r.URL.Path == v+"/images/app:1/json":
			w.Write([]byte(`{"Id":"sha256:x"}`))
		case r.URL.Path == v+"/images/get" && r.URL.Query().Get("names") == "app:1":
			w.Header().Set("Content-Type", "application/x-tar")
			w.Write(archive)
		default:
			http.Error(w, `{"message":"No such image"}`, http.StatusNotFound)
		}
	}))
	srv.Listener = ln
	srv.Start()
	t.Cleanup(srv.Close)
	return "unix://" + sock, func() []string {
		mu.Lock()
		defer mu.Unlock()
		return append([]string(nil), got...)
	}
}

func TestDockerSource(t *testing.T) {
	f := newFixture(t, "amd64")
	for _, tc := range []struct{ server, want string }{{"1.45", "/v1.41/"}, {"1.40", "/v1.40/"}} {
		t.Run("API "+tc.server, func(t *testing.T) {
			host, paths := fakeDocker(t, tc.server, f.legacy(t))
			t.Setenv("DOCKER_HOST", host)
			src, err := Open(context.Background(), "docker:app:1", Options{})
			if err != nil {
				t.Fatal(err)
			}
			defer src.Close()
			img, err := src.Image("linux", "amd64", "")
			if err != nil {
				t.Fatal(err)
			}
			if got, _ := img.ConfigName(); got != f.cfgHash {
				t.Errorf("ConfigName() = %s, want %s", got, f.cfgHash)
			}
			info, err := Layers(context.Background(), img)
			if err != nil {
				t.Fatal(err)
			}
			if len(info) != 3 || !info[0].Estimated || info[2].RepeatOf != 1 {
				t.Errorf("Layers() = %+v, want 3 estimated layers, the third repeating the second", info)
			}
			for _, p := range paths()[1:] {
				if !strings.HasPrefix(p, tc.want) {
					t.Errorf("asked for %s, want the API version %s", p, tc.want)
				}
			}
		})
	}
	t.Run("no such image", func(t *testing.T) {
		host, _ := fakeDocker(t, "1.41", f.legacy(t))
		t.Setenv("DOCKER_HOST", host)
		_, err := Open(context.Background(), "docker:nope:1", Options{Role: "base"})
		if !errors.Is(err, ErrNotFound) || !strings.Contains(err.Error(), "base docker:nope:1") || !strings.Contains(err.Error(), "no image nope:1") {
			t.Errorf("Open(docker:nope:1) = %v, want ErrNotFound naming it", err)
		}
	})
	t.Run("no daemon", func(t *testing.T) {
		host := "unix://" + filepath.Join(t.TempDir(), "none.sock")
		t.Setenv("DOCKER_HOST", host)
		_, err := Open(context.Background(), "docker:app:1", Options{})
		if !errors.Is(err, ErrNoDaemon) || !strings.Contains(err.Error(), "DOCKER_HOST="+host) || !strings.Contains(err.Error(), "start dockerd") || strings.Contains(err.Error(), "\n") {
			t.Errorf("Open with no daemon = %v, want one line with ErrNoDaemon naming DOCKER_HOST and the fix", err)
		}
	})
	t.Run("bad DOCKER_HOST", func(t *testing.T) {
		t.Setenv("DOCKER_HOST", "ssh://x")
		if _, err := Open(context.Background(), "docker:app:1", Options{}); err == nil || !strings.Contains(err.Error(), "not unix:///PATH or tcp://HOST:PORT") {
			t.Errorf("Open with DOCKER_HOST=ssh://x = %v", err)
		}
	})
}

func TestPodmanMissing(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	_, err := Open(context.Background(), "podman:app:1", Options{})
	if !errors.Is(err, ErrNoPodman) || !strings.Contains(err.Error(), "apt-get install podman") {
		t.Errorf("Open(podman:) without podman = %v, want ErrNoPodman with the fix", err)
	}
}
