package assemble

import (
	"encoding/pem"
	"fmt"
	"io/fs"
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
// the build host's /etc/ssl/certs/ca-certificates.crt, or a PEM file.
func CACertificates(src string) (RuntimeFiles, error) {
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
		b, err := os.ReadFile(path)
		if err != nil {
			return RuntimeFiles{}, fmt.Errorf("CA certificates: %w", err)
		}
		if blk, _ := pem.Decode(b); blk == nil || blk.Type != "CERTIFICATE" {
			return RuntimeFiles{}, fmt.Errorf("CA certificates: %s holds no PEM certificate", path)
		}
		data = b
	}
	return RuntimeFiles{
		Entries: []Entry{{Path: CACertsPath, Mode: 0o644, Data: data}},
		Env:     []string{"SSL_CERT_FILE=" + CACertsPath},
	}, nil
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

// Dirs returns directory entries, mode 0755, for paths.
func Dirs(paths ...string) []Entry {
	out := make([]Entry, 0, len(paths))
	for _, p := range paths {
		out = append(out, Entry{Path: p, Mode: fs.ModeDir | 0o755})
	}
	return out
}
