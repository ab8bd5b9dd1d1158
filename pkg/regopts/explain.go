package regopts

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"net"
	"strings"

	"github.com/google/go-containerregistry/pkg/v1/remote/transport"

	"github.com/leve-build/leve/internal/oneline"
)

// Explain returns the cause and the fix, as one line, of a request that
// failed before the registry could answer it: its TLS certificate was not
// trusted (unknown authority, another name, expired), it speaks plain
// HTTP, or it cannot be reached. It returns "" for other errors (an HTTP
// status, a connection broken mid-request), which the caller words. The
// fix offered depends on o: --insecure is not suggested when it was given.
//
// A loopback registry is tried over HTTPS and plain HTTP at once: when one
// attempt got an HTTP answer, a refused certificate still explains it (the
// answer is the 400 of HTTP sent to a TLS port), but a refused connection
// or a plain-HTTP reply to the TLS attempt does not, and Explain returns
// "" for the caller to word the answer.
func Explain(err error, o Options) string {
	var status *transport.Error
	answered := errors.As(err, &status)
	var (
		unknown  x509.UnknownAuthorityError
		hostname x509.HostnameError
		invalid  x509.CertificateInvalidError
		verify   *tls.CertificateVerificationError
		header   tls.RecordHeaderError
		operr    *net.OpError
		dnserr   *net.DNSError
	)
	skip := ", or skip verification with --insecure"
	if o.Insecure {
		skip = ""
	}
	switch {
	case errors.As(err, &unknown):
		return "the registry's TLS certificate is signed by an unknown authority (" + oneline.First(unknown.Error()) + "); trust its CA with --registry-ca FILE (or SSL_CERT_FILE)" + skip
	case errors.As(err, &hostname):
		return "the registry's TLS certificate is not valid for the name used (" + oneline.First(hostname.Error()) + "); use a name the certificate lists" + skip
	case errors.As(err, &invalid) && invalid.Reason == x509.Expired:
		return "the registry's TLS certificate has expired or is not yet valid (" + oneline.First(invalid.Error()) + "); renew it or check the clock" + skip
	case errors.As(err, &invalid):
		return "the registry's TLS certificate is invalid (" + oneline.First(invalid.Error()) + "); fix the registry's certificate" + skip
	case errors.As(err, &verify):
		return "the registry's TLS certificate could not be verified (" + oneline.First(verify.Error()) + "); trust its CA with --registry-ca FILE (or SSL_CERT_FILE)" + skip
	case answered:
		return ""
	case errors.As(err, &header), strings.Contains(err.Error(), "server gave HTTP response to HTTPS client"):
		if o.Insecure {
			return "the registry speaks plain HTTP, not TLS; check the address"
		}
		return "the registry speaks plain HTTP, not TLS; use --insecure for a plain-HTTP registry"
	case errors.As(err, &operr) && operr.Op == "dial", errors.As(err, &dnserr):
		cause := oneline.First(err.Error())
		if operr != nil {
			cause = oneline.First(operr.Error())
		}
		if o.Insecure {
			return "cannot reach the registry (" + cause + "); check the address and that the registry is running"
		}
		return "cannot reach the registry (" + cause + "); check the address, or use --insecure for a plain-HTTP registry"
	}
	return ""
}
