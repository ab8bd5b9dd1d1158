package assemble

import (
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"golang.org/x/crypto/x509roots/fallback/bundle"
)

// Paths of the run-time files leve adds.
const (
	CACertsPath   = "/etc/ssl/certs/ca-certificates.crt"
	ZoneInfoPath  = "/usr/local/go/lib/time/zoneinfo.zip"
	NSSwitchPath  = "/etc/nsswitch.conf"
	nsswitchHosts = "hosts: files dns\n"
)

// RuntimeFiles are files a binary needs at run time, with the environment
// that points the program at them.
type RuntimeFiles struct {
	Entries []Entry
	Env     []string // KEY=VALUE
}

// Size returns the bytes of the files' contents.
func (r RuntimeFiles) Size() int64 {
	var n int64
	for _, e := range r.Entries {
		n += int64(len(e.Data))
	}
	return n
}

// CACertificates returns a CA bundle at CACertsPath, with SSL_CERT_FILE
// set. src is "bundle" for the Mozilla NSS roots of
// golang.org/x/crypto/x509roots/fallback, at the version pinned in leve's
// go.mod (reproducible; roots NSS constrains, e.g. with a distrust date,
// are left out, since a PEM file cannot carry the constraint), "host" for
// the build host's /etc/ssl/certs/ca-certificates.crt, or a PEM file,
// which is then exactly the bundle. The certificates of the PEM files add
// are appended (re-encoded, without their comments; one already in the
// bundle is not repeated), so a private CA is trusted besides the roots.
func CACertificates(src string, add ...string) (RuntimeFiles, error) {
	var data []byte
	switch src {
	case "bundle":
		for r := range bundle.Roots() {
			if r.Constraint != nil {
				continue
			}
			data = append(data, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: r.Certificate})...)
		}
	default:
		path := src
		if src == "host" {
			path = CACertsPath
		}
		if _, _, err := ReadCertificates(path); err != nil {
			return RuntimeFiles{}, err
		}
		var err error
		if data, err = os.ReadFile(path); err != nil {
			return RuntimeFiles{}, fmt.Errorf("CA certificates: %w", err)
		}
	}
	if len(add) > 0 {
		have := map[string]bool{}
		for rest := data; ; {
			var blk *pem.Block
			if blk, rest = pem.Decode(rest); blk == nil {
				break
			}
			have[string(blk.Bytes)] = true
		}
		if len(data) > 0 && data[len(data)-1] != '\n' {
			data = append(data, '\n')
		}
		for _, f := range add {
			certs, _, err := ReadCertificates(f)
			if err != nil {
				return RuntimeFiles{}, err
			}
			for _, c := range certs {
				if !have[string(c)] {
					have[string(c)] = true
					data = append(data, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: c})...)
				}
			}
		}
	}
	return RuntimeFiles{
		Entries: []Entry{{Path: CACertsPath, Mode: 0o644, Data: data}},
		Env:     []string{"SSL_CERT_FILE=" + CACertsPath},
	}, nil
}

// ErrNoCertificate is returned for a CA file that is not a bundle of PEM
// certificates.
var ErrNoCertificate = errors.New("not a PEM certificate bundle")

// ReadCertificates reads the PEM file path and returns the DER bytes of
// its certificates and their subjects. It refuses, naming the file, a
// file without a CERTIFICATE block, a certificate that does not parse,
// and any other PEM block (a private key must not end up in an image).
func ReadCertificates(path string) (der [][]byte, subjects []string, err error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, nil, fmt.Errorf("CA certificates: %w", err)
	}
	for rest := b; ; {
		var blk *pem.Block
		if blk, rest = pem.Decode(rest); blk == nil {
			break
		}
		if blk.Type != "CERTIFICATE" {
			return nil, nil, fmt.Errorf("CA certificates: %s: %w: it holds a block of type %s; give certificates only", path, ErrNoCertificate, blk.Type)
		}
		c, err := x509.ParseCertificate(blk.Bytes)
		if err != nil {
			return nil, nil, fmt.Errorf("CA certificates: %s: %w: certificate %d: %v", path, ErrNoCertificate, len(der)+1, err)
		}
		der, subjects = append(der, blk.Bytes), append(subjects, c.Subject.String())
	}
	if len(der) == 0 {
		return nil, nil, fmt.Errorf("CA certificates: %s: %w: it holds no -----BEGIN CERTIFICATE----- block", path, ErrNoCertificate)
	}
	return der, subjects, nil
}

// ZoneInfo returns the time zone database of the Go toolchain at goroot
// (lib/time/zoneinfo.zip, the form time.LoadLocation reads with least
// space), with ZONEINFO pointing at it.
func ZoneInfo(goroot string) (RuntimeFiles, error) {
	b, err := os.ReadFile(filepath.Join(goroot, "lib", "time", "zoneinfo.zip"))
	if err != nil {
		return RuntimeFiles{}, fmt.Errorf("time zone data: %w", err)
	}
	return RuntimeFiles{
		Entries: []Entry{{Path: ZoneInfoPath, Mode: 0o644, Data: b}},
		Env:     []string{"ZONEINFO=" + ZoneInfoPath},
	}, nil
}

// NSSwitch returns an /etc/nsswitch.conf that makes host lookups read
// /etc/hosts before DNS, as glibc and Go's resolver expect.
func NSSwitch() RuntimeFiles {
	return RuntimeFiles{Entries: []Entry{{Path: NSSwitchPath, Mode: 0o644, Data: []byte(nsswitchHosts)}}}
}
