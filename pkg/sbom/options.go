package sbom

import (
	"encoding/hex"
	"fmt"
	"strings"
	"time"
)

// Media types of the documents this package writes, used as the
// artifactType of the OCI referrer that carries them.
const (
	// SPDXMediaType is the media type of an SPDX JSON document.
	SPDXMediaType = "text/spdx+json"
	// CycloneDXMediaType is the media type of a CycloneDX JSON BOM.
	CycloneDXMediaType = "application/vnd.cyclonedx+json"
)

// An Option sets one fact about the binary that its build info does not
// carry.
type Option func(*config)

// config holds the facts the options set.
type config struct {
	name     string
	digest   string // lowercase hex SHA-256, or ""
	created  time.Time
	platform string
	err      error
}

// WithName sets the name of the image or binary the document describes.
// It names the SPDX document and goes into its namespace. The default is
// the last element of the main package's import path.
func WithName(name string) Option {
	return func(c *config) { c.name = name }
}

// WithBinaryDigest sets the SHA-256 of the binary, as 64 hex digits with
// or without a "sha256:" prefix; it becomes the application's checksum.
// The default is no checksum.
func WithBinaryDigest(sha256Hex string) Option {
	return func(c *config) {
		d := strings.ToLower(strings.TrimPrefix(sha256Hex, "sha256:"))
		if b, err := hex.DecodeString(d); err != nil || len(b) != 32 {
			c.err = fmt.Errorf("binary digest %q: want 64 hex digits of a sha256", sha256Hex)
			return
		}
		c.digest = d
	}
}

// WithCreated sets the creation time written into the document, rounded
// down to the second and expressed in UTC. The default is the Unix epoch
// (1970-01-01T00:00:00Z), so that a rebuild gives the same bytes.
func WithCreated(t time.Time) Option {
	return func(c *config) { c.created = t }
}

// WithPlatform sets the platform the binary was built for, as
// "os/arch" or "os/arch/variant" (for example "linux/arm/v7"). The default
// is the GOOS, GOARCH and GOARM build settings recorded in the build info,
// or no platform when they are absent.
func WithPlatform(platform string) Option {
	return func(c *config) {
		if n := strings.Count(platform, "/"); n < 1 || n > 2 || strings.Contains(platform, "//") ||
			strings.HasPrefix(platform, "/") || strings.HasSuffix(platform, "/") {
			c.err = fmt.Errorf("platform %q: want os/arch or os/arch/variant", platform)
			return
		}
		c.platform = platform
	}
}

// newConfig applies opts over the defaults.
func newConfig(opts []Option) (config, error) {
	c := config{created: time.Unix(0, 0)}
	for _, o := range opts {
		o(&c)
		if c.err != nil {
			return c, c.err
		}
	}
	return c, nil
}
