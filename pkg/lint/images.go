package lint

import (
	"regexp"
	"strconv"
	"strings"
)

// imageRef is a FROM reference split into its parts.
type imageRef struct {
	raw    string // as written, after expansion
	repo   string // without a Docker Hub host or "library/": "golang", "gcr.io/distroless/static"
	tag    string // "" when none
	digest string // "sha256:..." or ""
}

// parseRef splits an image reference. It does not validate it.
func parseRef(s string) imageRef {
	r := imageRef{raw: s}
	name, dg, _ := strings.Cut(s, "@")
	r.digest = dg
	if i := strings.LastIndexByte(name, ':'); i > strings.LastIndexByte(name, '/') {
		name, r.tag = name[:i], name[i+1:]
	}
	name = strings.ToLower(name)
	for _, p := range []string{"docker.io/", "index.docker.io/", "registry-1.docker.io/"} {
		name = strings.TrimPrefix(name, p)
	}
	r.repo = strings.TrimPrefix(name, "library/")
	return r
}

// name is the reference as written without its tag and digest.
func (r imageRef) name() string {
	n, _, _ := strings.Cut(r.raw, "@")
	if r.tag != "" {
		n = strings.TrimSuffix(n, ":"+r.tag)
	}
	return n
}

// versionExample names an exact version of the images leve knows, as
// ", e.g. alpine:3.20.3", or "".
func (r imageRef) versionExample() string {
	switch r.repo {
	case "golang":
		return ", e.g. golang:1.26.8-bookworm"
	case "alpine":
		return ", e.g. alpine:3.20.3"
	}
	return ""
}

// short is the last element of the repository: "gcr.io/distroless/static" is "static".
func (r imageRef) short() string { return base(r.repo) }

func (r imageRef) scratch() bool { return r.repo == "scratch" }

func (r imageRef) distroless() bool {
	return strings.HasPrefix(r.repo, "gcr.io/distroless/") || strings.HasPrefix(r.repo, "cgr.dev/chainguard/static") || r.repo == "chainguard/static"
}

// shellLess reports whether the image is known to have no /bin/sh.
func (r imageRef) shellLess() bool {
	return r.scratch() || r.distroless() && !strings.Contains(r.tag, "debug")
}

// distros are images of a whole distribution, toolchains included.
var distros = map[string]bool{
	"alpine": true, "debian": true, "ubuntu": true, "busybox": true, "centos": true,
	"fedora": true, "rockylinux": true, "almalinux": true, "amazonlinux": true,
	"archlinux": true, "oraclelinux": true, "photon": true, "golang": true,
	"ubi8": true, "ubi9": true, "ubi": true, "ubi-minimal": true, "leap": true,
	"buildpack-deps": true,
}

// distro reports whether the image is a full distribution.
func (r imageRef) distro() bool { return distros[r.short()] && !r.distroless() }

// static reports whether the image can only run static binaries well:
// no glibc (scratch, distroless static) or musl instead (alpine).
func (r imageRef) static() bool {
	return r.scratch() || r.short() == "alpine" ||
		r.distroless() && (strings.Contains(r.repo, "static") || r.repo == "gcr.io/distroless/base-nossl")
}

// nonRootDefault reports whether the image's own config runs as non-root.
func (r imageRef) nonRootDefault() bool {
	return r.distroless() && (strings.Contains(r.tag, "nonroot") || strings.HasPrefix(r.repo, "cgr.dev/"))
}

var (
	exactTag = regexp.MustCompile(`^v?\d+\.\d+\.\d+([-._+].*)?$|-\d{8}(-|$)`)
	goTag    = regexp.MustCompile(`^(\d+)\.(\d+)(?:\.(\d+)|rc\d+)?`)
)

// pinned reports whether the reference names one build of the image: an
// exact version tag (1.26.8, 3.20.3-slim, bookworm-20250113) or a digest.
func (r imageRef) pinned() bool { return r.digest != "" || exactTag.MatchString(r.tag) }

// goMinor returns the Go minor version a golang tag names (26 for
// "1.26.8-bookworm") and whether the tag names one.
func (r imageRef) goMinor() (int, bool) {
	if r.short() != "golang" {
		return 0, false
	}
	m := goTag.FindStringSubmatch(r.tag)
	if m == nil || m[1] != "1" {
		return 0, false
	}
	n, err := strconv.Atoi(m[2])
	return n, err == nil
}

// publishedSize returns the compressed size the base's publisher states
// and what it is, when leve knows it.
func (r imageRef) publishedSize() (int64, string) {
	if r.short() == "alpine" && !strings.Contains(r.repo, "/") {
		return 3_600_000, "alpine 3.20's published compressed size (linux/amd64), pulled for nothing"
	}
	return 0, ""
}
