package publish

import (
	"context"
	"encoding/pem"
	"errors"
	"io"
	"log"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-containerregistry/pkg/registry"

	"github.com/leve-build/leve/pkg/regopts"
)

// TestRegistryTLS pushes to an in-memory registry served over TLS with a
// certificate no system root signs: refused with the unknown authority
// named (not the HTTP 400 of the plain-HTTP attempt a loopback registry
// also gets), then pushed with the CA trusted and with Insecure.
func TestRegistryTLS(t *testing.T) {
	srv := httptest.NewUnstartedServer(registry.New(registry.Logger(log.New(io.Discard, "", 0))))
	srv.Config.ErrorLog = log.New(io.Discard, "", 0)
	srv.StartTLS()
	defer srv.Close()
	host := strings.TrimPrefix(srv.URL, "https://")
	ca := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(ca, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw}), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	img := randomImage(t)
	_, err := (Registry{Repo: host + "/tls"}).Publish(ctx, img, Ref{"tls", "v1"})
	var prob *regopts.Problem
	if err == nil || !strings.Contains(err.Error(), "unknown authority") || !errors.As(err, &prob) || prob.Kind != regopts.UnknownAuthority || strings.Contains(err.Error(), "HTTP 400") || strings.Contains(err.Error(), "\n") {
		t.Errorf("push over TLS without the CA: %v\nwant one line naming the unknown authority, as a regopts.Problem", err)
	}
	for name, o := range map[string]regopts.Options{"CAFiles": {CAFiles: []string{ca}}, "Insecure": {Insecure: true}} {
		p, err := (Registry{Repo: host + "/tls", Options: o}).Publish(ctx, img, Ref{"tls", name})
		if err != nil {
			t.Errorf("push over TLS with %s: %v", name, err)
			continue
		}
		want, _ := img.Digest()
		if p.Digest != want {
			t.Errorf("push with %s: digest %s, want %s", name, p.Digest, want)
		}
	}
	_, err = (Registry{Repo: host + "/tls", Options: regopts.Options{CAFiles: []string{filepath.Join(t.TempDir(), "none.pem")}}}).Publish(ctx, img, Ref{"tls", "v"})
	if err == nil || !strings.Contains(err.Error(), "none.pem") {
		t.Errorf("push with a missing CA file: %v, want an error naming it", err)
	}
}
