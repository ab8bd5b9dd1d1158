package publish

import (
	"context"
	"fmt"
	"strings"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
)

// Annotation keys written on the descriptors of an image layout's index.
const (
	AnnotationRefName    = "org.opencontainers.image.ref.name"
	AnnotationImageName  = "io.containerd.image.name"
	defaultTag           = "latest"
	ociLayoutFileContent = `{"imageLayoutVersion":"1.0.0"}`
)

// Ref names an image: a repository name and a tag, e.g. "hello:latest".
type Ref struct {
	Name string
	Tag  string
}

// ParseRef parses "NAME[:TAG]"; the tag defaults to "latest". NAME may
// start with a registry host ("localhost:5000/app").
func ParseRef(s string) (Ref, error) {
	n, tag := s, defaultTag
	if i := strings.LastIndex(s, ":"); i > strings.LastIndex(s, "/") {
		n, tag = s[:i], s[i+1:]
	}
	if n == "" || tag == "" || strings.ContainsAny(s, "@") {
		return Ref{}, fmt.Errorf("image name %q: want NAME or NAME:TAG, e.g. hello:1.0", s)
	}
	if _, err := name.NewTag(n + ":" + tag); err != nil {
		return Ref{}, fmt.Errorf("image name %q: %v; use NAME[:TAG] with a lowercase NAME", s, err)
	}
	return Ref{Name: n, Tag: tag}, nil
}

// String returns "NAME:TAG".
func (r Ref) String() string { return r.Name + ":" + r.Tag }

// Published says where an image went.
type Published struct {
	Kind     string  // "layout", "tarball", ...
	Location string  // a directory, file or registry reference
	Digest   v1.Hash // the manifest or index digest
	// Note says what the sink did differently from what was asked, e.g.
	// kept one platform of an index; empty when nothing.
	Note string
}

// Sink is a destination for images.
type Sink interface {
	// Publish ships art under ref and says where it went.
	Publish(ctx context.Context, art Artifact, ref Ref) (Published, error)
}

// Multi publishes to every sink in order and stops at the first error.
type Multi []Sink

var _ Sink = Multi(nil)

// Publish ships art to each sink.
func (m Multi) Publish(ctx context.Context, art Artifact, ref Ref) (Published, error) {
	var last Published
	for _, s := range m {
		p, err := s.Publish(ctx, art, ref)
		if err != nil {
			return p, err
		}
		last = p
	}
	return last, nil
}
