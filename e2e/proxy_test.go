package e2e

import (
	"bytes"
	"io"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
)

// registryProxy is a reverse proxy on loopback in front of the private
// registry that counts blob uploads and injects faults: it can cut the
// connection of every blob upload after a number of body bytes, answer
// 500 to a number of requests, or demand basic credentials.
type registryProxy struct {
	addr    string       // host:port to push to
	uploads atomic.Int64 // requests under /blobs/uploads/ that were forwarded
	mounts  atomic.Int64 // of those, cross-repository mount requests (POST ?mount=)
	bodies  atomic.Int64 // of those, PATCH or PUT requests carrying blob bytes

	mu       sync.Mutex
	cutAfter int64  // > 0: cut each blob upload with a body after this many bytes
	fail500  int    // answer 500 to this many next requests (not /v2/)
	failed   int    // how many 500s were sent
	user     string // non-empty: demand basic auth user:pass
	pass     string
}

// newRegistryProxy starts a proxy to the registry at target (host:port);
// the test's cleanup stops it.
func newRegistryProxy(t *testing.T, target string) *registryProxy {
	t.Helper()
	u, err := url.Parse("http://" + target)
	if err != nil {
		t.Fatal(err)
	}
	p := &registryProxy{}
	rp := httputil.NewSingleHostReverseProxy(u)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p.addr = l.Addr().String()
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if p.intercept(w, r) {
			return
		}
		if strings.Contains(r.URL.Path, "/blobs/uploads/") {
			p.uploads.Add(1)
			if r.Method == http.MethodPost && r.URL.Query().Get("mount") != "" {
				p.mounts.Add(1)
			}
			if (r.Method == http.MethodPatch || r.Method == http.MethodPut) && r.ContentLength != 0 {
				p.bodies.Add(1)
			}
		}
		rp.ServeHTTP(w, r)
	})}
	go srv.Serve(l)
	t.Cleanup(func() { srv.Close() })
	return p
}

// set changes the proxy's faults; zero values turn them off.
func (p *registryProxy) set(cutAfter int64, fail500 int, user, pass string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.cutAfter, p.fail500, p.failed, p.user, p.pass = cutAfter, fail500, 0, user, pass
}

// intercept answers r itself when a fault applies, and reports whether it
// did.
func (p *registryProxy) intercept(w http.ResponseWriter, r *http.Request) bool {
	p.mu.Lock()
	cut, user, pass := p.cutAfter, p.user, p.pass
	fail := p.failed < p.fail500 && r.URL.Path != "/v2/"
	if fail {
		p.failed++
	}
	p.mu.Unlock()
	if user != "" {
		if u, pw, ok := r.BasicAuth(); !ok || u != user || pw != pass {
			w.Header().Set("WWW-Authenticate", `Basic realm="leve-e2e"`)
			http.Error(w, `{"errors":[{"code":"UNAUTHORIZED","message":"authentication required"}]}`, http.StatusUnauthorized)
			return true
		}
	}
	if fail {
		http.Error(w, "injected failure", http.StatusInternalServerError)
		return true
	}
	if cut > 0 && strings.Contains(r.URL.Path, "/blobs/uploads/") && (r.Method == http.MethodPatch || r.Method == http.MethodPut) && r.ContentLength != 0 {
		var head bytes.Buffer
		if n, _ := io.CopyN(&head, r.Body, cut); n < cut {
			// A body shorter than the cut goes through whole.
			r.Body = io.NopCloser(&head)
			return false
		}
		if hj, ok := w.(http.Hijacker); ok {
			if conn, _, err := hj.Hijack(); err == nil {
				conn.Close()
				return true
			}
		}
		panic(http.ErrAbortHandler)
	}
	return false
}
