package pull

import (
	"bytes"
	"context"
	"encoding/pem"
	"errors"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-containerregistry/pkg/compression"
	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/registry"
	"github.com/google/go-containerregistry/pkg/v1/remote"

	"github.com/leve-build/leve/pkg/regopts"
)

// TestRemote reads an image from an in-memory registry over TLS with a
// private CA: refused naming the unknown authority, read with the CA
// trusted; a blob the registry serves damaged fails naming the blob.
func TestRemote(t *testing.T) {
	img := testImage(t, compression.GZip)
	m, _ := img.Manifest()
	top := m.Layers[1].Digest
	var tamper bool
	reg := registry.New(registry.Logger(log.New(io.Discard, "", 0)))
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if tamper && strings.HasSuffix(r.URL.Path, "/blobs/"+top.String()) && r.Method == http.MethodGet {
			rec := httptest.NewRecorder()
			reg.ServeHTTP(rec, r)
			b := rec.Body.Bytes()
			b[len(b)/2] ^= 1
			for k, v := range rec.Header() {
				w.Header()[k] = v
			}
			w.WriteHeader(rec.Code)
			w.Write(b)
			return
		}
		reg.ServeHTTP(w, r)
	}))
	srv.Config.ErrorLog = log.New(io.Discard, "", 0)
	srv.StartTLS()
	defer srv.Close()
	ref := strings.TrimPrefix(srv.URL, "https://") + "/base/img:1"
	tag, err := name.NewTag(ref)
	if err != nil {
		t.Fatal(err)
	}
	if err := remote.Write(tag, img, remote.WithTransport(srv.Client().Transport)); err != nil {
		t.Fatal(err)
	}
	ca := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(ca, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw}), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()

	_, err = Open(ctx, ref, Options{Role: "base"})
	var p *regopts.Problem
	if err == nil || !strings.Contains(err.Error(), "base "+ref) || !strings.Contains(err.Error(), "unknown authority") || !errors.As(err, &p) || p.Kind != regopts.UnknownAuthority {
		t.Errorf("Open over TLS without the CA: %v\nwant the unknown authority, as a regopts.Problem", err)
	}
	for _, o := range []regopts.Options{{CAFiles: []string{ca}}, {Insecure: true}} {
		src, err := Open(ctx, ref, Options{Registry: o, Role: "base"})
		if err != nil {
			t.Fatalf("Open with %+v: %v", o, err)
		}
		got, err := src.Image("linux", "amd64", "")
		if err != nil {
			t.Fatal(err)
		}
		ls, err := got.Layers()
		if err != nil {
			t.Fatal(err)
		}
		if _, ok := ls[0].(*remote.MountableLayer); !ok {
			t.Errorf("layer 1 is a %T, want a *remote.MountableLayer (mounted when pushed to the same registry)", ls[0])
		}
		for i, l := range ls {
			if err := readAll(l, true); err != nil {
				t.Errorf("layer %d: %v", i+1, err)
			}
		}
	}

	tamper = true
	src, err := Open(ctx, ref, Options{Registry: regopts.Options{CAFiles: []string{ca}}, Role: "base"})
	if err != nil {
		t.Fatal(err)
	}
	got, _ := src.Image("linux", "amd64", "")
	ls, _ := got.Layers()
	for _, compressed := range []bool{true, false} {
		err := readAll(ls[1], compressed)
		if err == nil || !strings.Contains(err.Error(), "base "+ref) || !strings.Contains(err.Error(), top.String()) || bytes.ContainsRune([]byte(err.Error()), '\n') {
			t.Errorf("a damaged registry blob (compressed %v): %v; want one line naming the base and the blob", compressed, err)
		}
	}
}
