package publish

import (
	"context"
	"errors"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/registry"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/validate"

	"github.com/leve-build/leve/pkg/regopts"
)

// countingRegistry serves an in-memory registry and counts blob uploads.
type countingRegistry struct {
	srv     *httptest.Server
	uploads atomic.Int64
	wrap    func(http.ResponseWriter, *http.Request, http.Handler)
}

func newRegistry(t *testing.T) *countingRegistry {
	t.Helper()
	cr := &countingRegistry{}
	reg := registry.New(registry.Logger(log.New(io.Discard, "", 0)))
	cr.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.Contains(r.URL.Path, "/blobs/uploads/") && (r.Method == http.MethodPut || r.Method == http.MethodPatch) {
			cr.uploads.Add(1)
		}
		if cr.wrap != nil {
			cr.wrap(w, r, reg)
			return
		}
		reg.ServeHTTP(w, r)
	}))
	t.Cleanup(cr.srv.Close)
	return cr
}

func (cr *countingRegistry) host() string { return strings.TrimPrefix(cr.srv.URL, "http://") }

func TestRegistryPushImageAndIndex(t *testing.T) {
	cr := newRegistry(t)
	ctx := context.Background()
	img := randomImage(t)
	sink := Registry{Repo: cr.host() + "/leve/app", Options: regopts.Options{Insecure: true}}
	p, err := sink.Publish(ctx, img, Ref{"app", "1.0"})
	if err != nil {
		t.Fatal(err)
	}
	if p.Digest != digest(t, img) || p.Location != cr.host()+"/leve/app:1.0" {
		t.Errorf("Publish = %+v", p)
	}
	tag, _ := sink.Reference(Ref{"app", "1.0"})
	got, err := remote.Image(tag)
	if err != nil {
		t.Fatal(err)
	}
	if err := validate.Image(got); err != nil {
		t.Fatalf("pulled image: %v", err)
	}
	if d, _ := got.Digest(); d != digest(t, img) {
		t.Errorf("pulled digest %s, pushed %s", d, digest(t, img))
	}

	// Pushing the same image again uploads no blob.
	before := cr.uploads.Load()
	if _, err := sink.Publish(ctx, img, Ref{"app", "1.1"}); err != nil {
		t.Fatal(err)
	}
	if n := cr.uploads.Load() - before; n != 0 {
		t.Errorf("second push uploaded %d blobs, want 0", n)
	}

	idx := mutate.AppendManifests(empty.Index, mutate.IndexAddendum{Add: img, Descriptor: v1.Descriptor{Platform: &v1.Platform{OS: "linux", Architecture: "amd64"}}},
		mutate.IndexAddendum{Add: randomImage(t), Descriptor: v1.Descriptor{Platform: &v1.Platform{OS: "linux", Architecture: "arm64"}}})
	if _, err := sink.Publish(ctx, idx, Ref{"app", "multi"}); err != nil {
		t.Fatal(err)
	}
	mtag, _ := sink.Reference(Ref{"app", "multi"})
	pulled, err := remote.Index(mtag)
	if err != nil {
		t.Fatal(err)
	}
	want, _ := idx.Digest()
	if d, _ := pulled.Digest(); d != want {
		t.Errorf("pulled index digest %s, pushed %s", d, want)
	}
	im, _ := pulled.IndexManifest()
	for _, d := range im.Manifests {
		child, err := pulled.Image(d.Digest)
		if err != nil {
			t.Fatal(err)
		}
		if err := validate.Image(child); err != nil {
			t.Errorf("pulled %s: %v", d.Platform.Architecture, err)
		}
	}
}

func TestRegistryRetries5xx(t *testing.T) {
	cr := newRegistry(t)
	var mu sync.Mutex
	failures := 0
	cr.wrap = func(w http.ResponseWriter, r *http.Request, h http.Handler) {
		mu.Lock()
		fail := r.Method == http.MethodPut && strings.Contains(r.URL.Path, "/manifests/") && failures < 2
		if fail {
			failures++
		}
		mu.Unlock()
		if fail {
			http.Error(w, "try later", http.StatusInternalServerError)
			return
		}
		h.ServeHTTP(w, r)
	}
	if _, err := (Registry{Repo: cr.host() + "/x", Options: regopts.Options{Insecure: true}}).Publish(context.Background(), randomImage(t), Ref{"x", "v"}); err != nil {
		t.Fatalf("push through two 500s: %v", err)
	}
	if failures != 2 {
		t.Errorf("registry failed %d requests, want 2", failures)
	}
}

func TestRegistryErrors(t *testing.T) {
	cr := newRegistry(t)
	cr.wrap = func(w http.ResponseWriter, r *http.Request, h http.Handler) {
		if u, p, ok := r.BasicAuth(); !ok || u != "leve" || p != "right" {
			w.Header().Set("WWW-Authenticate", `Basic realm="leve"`)
			http.Error(w, "no", http.StatusUnauthorized)
			return
		}
		h.ServeHTTP(w, r)
	}
	secret := "s3cr3t-password"
	kc := staticKeychain{authn.FromConfig(authn.AuthConfig{Username: "leve", Password: secret})}
	_, err := (Registry{Repo: cr.host() + "/x", Options: regopts.Options{Insecure: true, Keychain: kc}}).Publish(context.Background(), randomImage(t), Ref{"x", "v"})
	if err == nil || !strings.Contains(err.Error(), "refused the credentials") || strings.Contains(err.Error(), secret) || strings.Contains(err.Error(), "\n") {
		t.Errorf("push with wrong credentials: %v; want one line naming the credentials, without the secret", err)
	}

	_, err = (Registry{Repo: "127.0.0.1:1/x", Options: regopts.Options{Insecure: true}}).Publish(context.Background(), randomImage(t), Ref{"x", "v"})
	if err == nil || !strings.Contains(err.Error(), "cannot reach the registry") {
		t.Errorf("push to a closed port: %v", err)
	}
	if _, err := (Registry{Repo: "UPPER/case"}).Reference(Ref{"x", "v"}); err == nil {
		t.Error("Reference accepted an invalid repository")
	}
}

func TestRegistryCutMidBlob(t *testing.T) {
	cr := newRegistry(t)
	var cut atomic.Bool
	cr.wrap = func(w http.ResponseWriter, r *http.Request, h http.Handler) {
		if strings.Contains(r.URL.Path, "/blobs/uploads/") && (r.Method == http.MethodPatch || r.Method == http.MethodPut) && r.ContentLength != 0 && cut.CompareAndSwap(false, true) {
			io.CopyN(io.Discard, r.Body, 100)
			conn, _, err := w.(http.Hijacker).Hijack()
			if err == nil {
				conn.Close()
			}
			return
		}
		h.ServeHTTP(w, r)
	}
	img := randomImage(t)
	sink := Registry{Repo: cr.host() + "/cut", Options: regopts.Options{Insecure: true}}
	// The cut connection is retried or reported; either way a second push
	// completes and the pulled image validates.
	_, _ = sink.Publish(context.Background(), img, Ref{"cut", "v"})
	if _, err := sink.Publish(context.Background(), img, Ref{"cut", "v"}); err != nil {
		t.Fatalf("push after a cut connection: %v", err)
	}
	tag, _ := sink.Reference(Ref{"cut", "v"})
	got, err := remote.Image(tag)
	if err != nil {
		t.Fatal(err)
	}
	if err := validate.Image(got); err != nil {
		t.Errorf("image pushed after a cut: %v", err)
	}
	if !cut.Load() {
		t.Error("no upload was cut")
	}
}

type staticKeychain struct{ a authn.Authenticator }

func (k staticKeychain) Resolve(authn.Resource) (authn.Authenticator, error) { return k.a, nil }

func TestRegistryProgressEvents(t *testing.T) {
	cr := newRegistry(t)
	img := randomImage(t)
	var mu sync.Mutex
	var got []BlobProgress
	record := func(p BlobProgress) { mu.Lock(); got = append(got, p); mu.Unlock() }
	sink := Registry{Repo: cr.host() + "/bars", Options: regopts.Options{Insecure: true}, Progress: record}
	if _, err := sink.Publish(context.Background(), img, Ref{"bars", "v1"}); err != nil {
		t.Fatal(err)
	}
	layers, _ := img.Layers()
	final := func() map[v1.Hash]BlobProgress {
		m := map[v1.Hash]BlobProgress{}
		for _, p := range got {
			if p.Final {
				m[p.Digest] = p
			}
		}
		return m
	}
	last := final()
	for _, l := range layers {
		d, _ := l.Digest()
		size, _ := l.Size()
		p, ok := last[d]
		if !ok || p.State != BlobDone || p.Sent != size || p.Total != size || p.Target != cr.host()+"/bars:v1" {
			t.Errorf("final update of %s = %+v, want done with %d of %d B sent to %s/bars:v1", d, p, size, size, cr.host())
		}
	}
	got = nil
	if _, err := sink.Publish(context.Background(), img, Ref{"bars", "v2"}); err != nil {
		t.Fatal(err)
	}
	for d, p := range final() {
		if p.State != BlobPresent || p.Sent != 0 {
			t.Errorf("second push: final update of %s = %+v, want present, nothing sent", d, p)
		}
	}
	if n := len(final()); n != len(layers) {
		t.Errorf("second push: %d final updates, want %d", n, len(layers))
	}
}

func TestRegistryReferenceRefusesABadRepo(t *testing.T) {
	_, err := Registry{Repo: "Bad Repo"}.Reference(Ref{"x", "v1"})
	var re *RepoError
	if !errors.As(err, &re) || re.Repo != "Bad Repo" || strings.Contains(err.Error(), "--") {
		t.Errorf("Reference of a bad repo = %v, want a *RepoError naming it and no flag", err)
	}
}
