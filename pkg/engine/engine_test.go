package engine

import (
	"bytes"
	"context"
	"encoding/binary"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"syscall"
	"testing"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	specs "github.com/opencontainers/runtime-spec/specs-go"
)

func writeRootfs(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "etc"), 0o755); err != nil {
		t.Fatal(err)
	}
	files := map[string]string{
		"etc/passwd": "root:x:0:0:root:/root:/sbin/nologin\nnonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin\napp:x:1000:1001::/:/bin/false\n",
		"etc/group":  "root:x:0:\nnonroot:x:65532:\nstaff:x:50:\n",
	}
	for name, body := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(dir, "app"), []byte("x"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "etc", "notes"), []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

func TestResolveUser(t *testing.T) {
	root := writeRootfs(t)
	for _, tc := range []struct {
		user     string
		uid, gid uint32
		bad      bool
	}{
		{"", 0, 0, false},
		{"65532", 65532, 65532, false},
		{"nonroot", 65532, 65532, false},
		{"app", 1000, 1001, false},
		{"app:staff", 1000, 50, false},
		{"1000:7", 1000, 7, false},
		{"4242", 4242, 0, false},
		{"ghost", 0, 0, true},
		{"app:ghosts", 0, 0, true},
	} {
		u, err := resolveUser(root, tc.user)
		if tc.bad {
			if err == nil {
				t.Errorf("user %q: no error", tc.user)
			}
			continue
		}
		if err != nil || u.UID != tc.uid || u.GID != tc.gid {
			t.Errorf("user %q = %d:%d, %v; want %d:%d", tc.user, u.UID, u.GID, err, tc.uid, tc.gid)
		}
	}
}

// An /etc/passwd that is a symlink out of the root file system is read
// inside it, never from the host.
func TestResolveUserStaysInRoot(t *testing.T) {
	root := t.TempDir()
	os.MkdirAll(filepath.Join(root, "etc"), 0o755)
	if err := os.Symlink("/etc/passwd", filepath.Join(root, "etc", "passwd")); err != nil {
		t.Fatal(err)
	}
	if _, err := resolveUser(root, "root"); err == nil {
		t.Fatal("resolved root through a symlink to the host's /etc/passwd")
	}
}

func TestRuntimeSpec(t *testing.T) {
	root := writeRootfs(t)
	cfg := &v1.ConfigFile{Config: v1.Config{
		User: "nonroot", Entrypoint: []string{"/app"}, Cmd: []string{"--serve"},
		Env: []string{"PATH=/bin", "LANG=C"}, WorkingDir: "/work",
	}}
	s, err := RuntimeSpec(cfg, Spec{Ref: "x", Env: []string{"LANG=pt_BR.UTF-8", "NEW=1"}, TTY: true}, root, "ctr")
	if err != nil {
		t.Fatal(err)
	}
	p := s.Process
	if !slices.Equal(p.Args, []string{"/app", "--serve"}) || p.Cwd != "/work" || !p.Terminal || !p.NoNewPrivileges {
		t.Errorf("process = %+v", p)
	}
	if !slices.Equal(p.Env, []string{"PATH=/bin", "LANG=pt_BR.UTF-8", "NEW=1"}) {
		t.Errorf("env = %v", p.Env)
	}
	if p.User.UID != 65532 || p.User.GID != 65532 {
		t.Errorf("user = %+v", p.User)
	}
	if !s.Root.Readonly || len(p.Capabilities.Bounding) != len(defaultCaps) || slices.Contains(p.Capabilities.Bounding, "CAP_SYS_ADMIN") {
		t.Errorf("root %+v, caps %v", s.Root, p.Capabilities.Bounding)
	}
	hasNet := slices.ContainsFunc(s.Linux.Namespaces, func(n specs.LinuxNamespace) bool { return n.Type == specs.NetworkNamespace })
	hasTmp := slices.ContainsFunc(s.Mounts, func(m specs.Mount) bool { return m.Destination == "/tmp" && m.Type == "tmpfs" })
	if !hasNet || !hasTmp {
		t.Errorf("network namespace %v, /tmp tmpfs %v; want both", hasNet, hasTmp)
	}

	s, err = RuntimeSpec(cfg, Spec{Ref: "x", Args: []string{"--help"}, Network: "host", Writable: true}, root, "ctr")
	if err != nil {
		t.Fatal(err)
	}
	hasNet = slices.ContainsFunc(s.Linux.Namespaces, func(n specs.LinuxNamespace) bool { return n.Type == specs.NetworkNamespace })
	if hasNet || s.Root.Readonly || !slices.Equal(s.Process.Args, []string{"/app", "--help"}) {
		t.Errorf("host network: netns %v, readonly %v, args %v", hasNet, s.Root.Readonly, s.Process.Args)
	}

	for _, tc := range []struct {
		args []string
		code int
	}{{[]string{"/missing"}, ExitNotFound}, {[]string{"sh"}, ExitNotFound}, {[]string{"/etc/notes"}, ExitCannotRun}, {[]string{"/etc"}, ExitCannotRun}} {
		_, err := RuntimeSpec(&v1.ConfigFile{Config: v1.Config{Env: []string{"PATH=/bin:/"}}}, Spec{Ref: "x", Args: tc.args}, root, "ctr")
		if e, ok := err.(*Error); !ok || e.Code != tc.code {
			t.Errorf("command %v: %v, want an *Error with %d", tc.args, err, tc.code)
		}
	}
	if _, err := RuntimeSpec(&v1.ConfigFile{Config: v1.Config{Env: []string{"PATH=/bin:/"}}}, Spec{Ref: "x", Args: []string{"app"}}, root, "ctr"); err != nil {
		t.Errorf("app on PATH: %v", err)
	}

	_, err = RuntimeSpec(&v1.ConfigFile{}, Spec{Ref: "empty"}, root, "ctr")
	if e, ok := err.(*Error); !ok || e.Code != ExitCannotRun {
		t.Errorf("no command: %v, want an *Error with 126", err)
	}
}

func TestDemux(t *testing.T) {
	var in bytes.Buffer
	frame := func(stream byte, s string) {
		h := make([]byte, 8)
		h[0] = stream
		binary.BigEndian.PutUint32(h[4:], uint32(len(s)))
		in.Write(h)
		in.WriteString(s)
	}
	frame(1, "out1 ")
	frame(2, "err1")
	frame(1, "out2")
	var out, errb bytes.Buffer
	if err := demux(&in, &out, &errb); err != nil || out.String() != "out1 out2" || errb.String() != "err1" {
		t.Fatalf("demux: %q %q %v", out.String(), errb.String(), err)
	}
}

// The client speaks the daemon's API version when it is older than 1.41,
// 1.41 otherwise.
func TestDockerNegotiates(t *testing.T) {
	for _, tc := range []struct{ server, want string }{{"1.40", "1.40"}, {"1.41", "1.41"}, {"1.47", "1.41"}} {
		sock := filepath.Join(t.TempDir(), "d.sock")
		l, err := net.Listen("unix", sock)
		if err != nil {
			t.Fatal(err)
		}
		got := make(chan string, 1)
		srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path == "/_ping" {
				w.Header().Set("API-Version", tc.server)
				return
			}
			got <- r.URL.Path
			w.Write([]byte(`{"Id":"x"}`))
		})}
		go srv.Serve(l)
		c, err := Docker{Host: "unix://" + sock}.client(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if _, err := c.do(context.Background(), http.MethodGet, "/images/x/json", nil, nil); err != nil {
			t.Fatal(err)
		}
		if p := <-got; p != "/v"+tc.want+"/images/x/json" {
			t.Errorf("server %s: path %s, want /v%s/...", tc.server, p, tc.want)
		}
		srv.Close()
	}
}

func TestForwardSignals(t *testing.T) {
	// One signal, then the container exits: forwarded, not stopped.
	sigs := make(chan os.Signal, 2)
	done := make(chan struct{})
	var sent []syscall.Signal
	stops := 0
	res := make(chan syscall.Signal)
	go func() {
		res <- forwardSignals(sigs, done, func(s syscall.Signal) { sent = append(sent, s) }, func() { stops++ })
	}()
	sigs <- syscall.SIGTERM
	time.Sleep(50 * time.Millisecond)
	close(done)
	if got := <-res; got != 0 || !slices.Equal(sent, []syscall.Signal{syscall.SIGTERM}) || stops != 0 {
		t.Errorf("one signal: result %v, sent %v, stops %d", got, sent, stops)
	}
	// A second signal stops the container; the result is the first.
	sigs, done, sent, stops = make(chan os.Signal, 2), make(chan struct{}), nil, 0
	go func() {
		res <- forwardSignals(sigs, done, func(s syscall.Signal) { sent = append(sent, s) }, func() { stops++ })
	}()
	sigs <- syscall.SIGINT
	sigs <- syscall.SIGTERM
	if got := <-res; got != syscall.SIGINT || !slices.Equal(sent, []syscall.Signal{syscall.SIGINT}) || stops != 1 {
		t.Errorf("two signals: result %v, sent %v, stops %d", got, sent, stops)
	}
}

func TestSelect(t *testing.T) {
	if _, err := Select(context.Background(), "lxc"); err == nil {
		t.Error("Select(lxc): no error")
	}
	for _, n := range Names {
		e, err := Select(context.Background(), n)
		if err != nil || e.Name() != n {
			t.Errorf("Select(%s) = %v, %v", n, e, err)
		}
	}
	t.Setenv("PATH", t.TempDir())
	t.Setenv("DOCKER_HOST", "unix://"+filepath.Join(t.TempDir(), "none.sock"))
	_, err := Select(context.Background(), "")
	if e, ok := err.(*Error); !ok || e.Code != ExitEngine || e.Err != ErrNoEngine {
		t.Errorf("no engine: %v, want ErrNoEngine with 125", err)
	}
}
