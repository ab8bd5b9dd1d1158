package main

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestHandler(t *testing.T) {
	srv := httptest.NewServer(handler())
	defer srv.Close()
	tests := []struct {
		path string
		code int
		want string
	}{
		{"/healthz", http.StatusOK, `{"status":"ok"}`},
		{"/time?zone=America/Sao_Paulo", http.StatusOK, `"zone":"America/Sao_Paulo"`},
		{"/time?zone=Nowhere/Atlantis", http.StatusBadRequest, `loading time zone`},
	}
	for _, tt := range tests {
		resp, err := http.Get(srv.URL + tt.path)
		if err != nil {
			t.Fatal(err)
		}
		var body json.RawMessage
		err = json.NewDecoder(resp.Body).Decode(&body)
		resp.Body.Close()
		if err != nil {
			t.Fatalf("GET %s: %v", tt.path, err)
		}
		if resp.StatusCode != tt.code || !strings.Contains(string(body), tt.want) {
			t.Errorf("GET %s = %d %s, want %d with %s", tt.path, resp.StatusCode, body, tt.code, tt.want)
		}
	}
}

func TestPrintZone(t *testing.T) {
	var b strings.Builder
	if err := printZone("America/Sao_Paulo", &b); err != nil {
		t.Fatal(err)
	}
	if got, want := b.String(), "America/Sao_Paulo -03 UTC-03:00\n"; got != want {
		t.Errorf("printZone = %q, want %q", got, want)
	}
}

func TestHealthcheck(t *testing.T) {
	srv := httptest.NewTLSServer(handler())
	defer srv.Close()
	// The test server's certificate is not in the system roots.
	if err := healthcheck(context.Background(), srv.URL+"/healthz", &strings.Builder{}); err == nil {
		t.Fatal("healthcheck of a server with an unknown CA succeeded")
	}
	pool := x509.NewCertPool()
	pool.AddCert(srv.Certificate())
	saved := http.DefaultClient
	defer func() { http.DefaultClient = saved }()
	http.DefaultClient = &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}
	var b strings.Builder
	if err := healthcheck(context.Background(), srv.URL+"/healthz", &b); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(b.String(), "200 OK ") {
		t.Errorf("healthcheck printed %q, want 200 OK and the body", b.String())
	}
}
