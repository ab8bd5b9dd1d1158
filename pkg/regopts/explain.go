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

// ProblemKind is why a request failed before the registry answered it.
type ProblemKind int

// The kinds of Problem.
const (
	UnknownAuthority   ProblemKind = iota + 1 // TLS certificate of an unknown CA
	WrongName                                 // TLS certificate for other names
	Expired                                   // TLS certificate expired or not yet valid
	InvalidCertificate                        // TLS certificate otherwise invalid
	Unverified                                // TLS certificate not verified
	PlainHTTP                                 // the registry speaks plain HTTP
	Unreachable                               // the registry cannot be reached
)

// A Problem is the cause and the fix of a request that failed before the
// registry could answer it. Its Error words the fixes without naming how
// a caller sets Options; Message takes the caller's words for them.
type Problem struct {
	Kind ProblemKind
	// Cause is the first line of the underlying error.
	Cause string
	// Insecure is Options.Insecure: skipping verification is not offered
	// when it was skipped already.
	Insecure bool
}

// Fixes are the words for the fixes a Problem offers, as phrases that
// follow "; " or ", or ".
type Fixes struct {
	TrustCA    string // trust the registry's CA
	SkipVerify string // skip TLS verification (Options.Insecure)
	AllowHTTP  string // allow plain HTTP (Options.Insecure)
}

// neutral are the fixes of Error.
var neutral = Fixes{
	TrustCA:    "trust its CA (a CA file in the registry options, or SSL_CERT_FILE)",
	SkipVerify: "skip verification",
	AllowHTTP:  "allow plain HTTP for this registry",
}

func (p *Problem) Error() string { return p.Message(neutral) }

// Message returns the problem as one line with f's words for its fixes.
func (p *Problem) Message(f Fixes) string {
	skip := ", or " + f.SkipVerify
	if p.Insecure {
		skip = ""
	}
	c := " (" + p.Cause + ")"
	switch p.Kind {
	case UnknownAuthority:
		return "the registry's TLS certificate is signed by an unknown authority" + c + "; " + f.TrustCA + skip
	case WrongName:
		return "the registry's TLS certificate is not valid for the name used" + c + "; use a name the certificate lists" + skip
	case Expired:
		return "the registry's TLS certificate has expired or is not yet valid" + c + "; renew it or check the clock" + skip
	case InvalidCertificate:
		return "the registry's TLS certificate is invalid" + c + "; fix the registry's certificate" + skip
	case Unverified:
		return "the registry's TLS certificate could not be verified" + c + "; " + f.TrustCA + skip
	case PlainHTTP:
		if p.Insecure {
			return "the registry speaks plain HTTP, not TLS; check the address"
		}
		return "the registry speaks plain HTTP, not TLS; " + f.AllowHTTP
	case Unreachable:
		if p.Insecure {
			return "cannot reach the registry" + c + "; check the address and that the registry is running"
		}
		return "cannot reach the registry" + c + "; check the address, or " + f.AllowHTTP
	}
	return p.Cause
}

// Explain returns the Problem of a request that failed before the
// registry could answer it: its TLS certificate was not trusted (unknown
// authority, another name, expired), it speaks plain HTTP, or it cannot be
// reached. It returns nil for other errors (an HTTP status, a connection
// broken mid-request), which the caller words. The fix offered depends on
// o: skipping verification is not offered when o.Insecure.
//
// A loopback registry is tried over HTTPS and plain HTTP at once: when one
// attempt got an HTTP answer, a refused certificate still explains it (the
// answer is the 400 of HTTP sent to a TLS port), but a refused connection
// or a plain-HTTP reply to the TLS attempt does not, and Explain returns
// nil for the caller to word the answer.
func Explain(err error, o Options) *Problem {
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
	p := &Problem{Insecure: o.Insecure}
	switch {
	case errors.As(err, &unknown):
		p.Kind, p.Cause = UnknownAuthority, oneline.First(unknown.Error())
	case errors.As(err, &hostname):
		p.Kind, p.Cause = WrongName, oneline.First(hostname.Error())
	case errors.As(err, &invalid) && invalid.Reason == x509.Expired:
		p.Kind, p.Cause = Expired, oneline.First(invalid.Error())
	case errors.As(err, &invalid):
		p.Kind, p.Cause = InvalidCertificate, oneline.First(invalid.Error())
	case errors.As(err, &verify):
		p.Kind, p.Cause = Unverified, oneline.First(verify.Error())
	case answered:
		return nil
	case errors.As(err, &header), strings.Contains(err.Error(), "server gave HTTP response to HTTPS client"):
		p.Kind = PlainHTTP
	case errors.As(err, &operr) && operr.Op == "dial", errors.As(err, &dnserr):
		p.Kind, p.Cause = Unreachable, oneline.First(err.Error())
		if operr != nil {
			p.Cause = oneline.First(operr.Error())
		}
	default:
		return nil
	}
	return p
}
