package regopts

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net/http"
	"os"

	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/v1/remote"
)

// ErrNoCertificates is returned for a CA file without a PEM certificate.
var ErrNoCertificates = errors.New("no PEM certificate in the file")

// Options are how leve reaches registries, for pulls and pushes alike.
// The zero value uses HTTPS with the system roots (which honour
// SSL_CERT_FILE and SSL_CERT_DIR) and the Docker credentials.
type Options struct {
	// Insecure allows plain HTTP and, like crane's --insecure, accepts
	// any TLS certificate: for registries on loopback or under test.
	Insecure bool
	// CAFiles are PEM files of CA certificates trusted in addition to
	// the system roots.
	CAFiles []string
	// Keychain resolves credentials; nil means authn.DefaultKeychain
	// (docker login and credential helpers).
	Keychain authn.Keychain
	// Transport, when set, carries every request as it is: Insecure and
	// CAFiles then change only the scheme, not its TLS settings.
	Transport http.RoundTripper
}

// NameOptions returns the options to parse references with: plain HTTP
// is allowed when Insecure is set.
func (o Options) NameOptions() []name.Option {
	if o.Insecure {
		return []name.Option{name.Insecure}
	}
	return nil
}

// Check reads the CA files, so that a missing or empty one is reported
// before any work.
func (o Options) Check() error {
	_, err := o.roots()
	return err
}

// roots returns the system roots with the CA files added, or nil (the
// system roots) when there are no CA files.
func (o Options) roots() (*x509.CertPool, error) {
	if len(o.CAFiles) == 0 {
		return nil, nil
	}
	pool, err := x509.SystemCertPool()
	if err != nil || pool == nil {
		pool = x509.NewCertPool()
	}
	for _, f := range o.CAFiles {
		pem, err := os.ReadFile(f)
		if err != nil {
			return nil, fmt.Errorf("reading registry CA %s: %w", f, err)
		}
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("reading registry CA %s: %w", f, ErrNoCertificates)
		}
	}
	return pool, nil
}

// RoundTripper returns the transport requests go through: Transport when
// set, else remote's default with the CA files trusted and, when
// Insecure, certificates not verified.
func (o Options) RoundTripper() (http.RoundTripper, error) {
	if o.Transport != nil {
		return o.Transport, nil
	}
	pool, err := o.roots()
	if err != nil {
		return nil, err
	}
	if pool == nil && !o.Insecure {
		return remote.DefaultTransport, nil
	}
	base, ok := remote.DefaultTransport.(*http.Transport)
	if !ok {
		base = http.DefaultTransport.(*http.Transport)
	}
	t := base.Clone()
	cfg := &tls.Config{MinVersion: tls.VersionTLS12}
	if t.TLSClientConfig != nil {
		cfg = t.TLSClientConfig.Clone()
	}
	cfg.RootCAs = pool
	cfg.InsecureSkipVerify = o.Insecure //nolint:gosec // asked for with --insecure
	t.TLSClientConfig = cfg
	return t, nil
}

// RemoteOptions returns the options of go-containerregistry's remote
// package for a request under ctx: the context, the credentials and the
// transport.
func (o Options) RemoteOptions(ctx context.Context) ([]remote.Option, error) {
	t, err := o.RoundTripper()
	if err != nil {
		return nil, err
	}
	kc := o.Keychain
	if kc == nil {
		kc = authn.DefaultKeychain
	}
	return []remote.Option{remote.WithContext(ctx), remote.WithAuthFromKeychain(kc), remote.WithTransport(t)}, nil
}
