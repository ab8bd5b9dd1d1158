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

// Stager is a Sink whose output is local and can be prepared without
// being seen: a run stages its local outputs, ships to the other sinks,
// and commits the staged outputs only once all of those succeeded, so a
// failed run leaves them as they were.
type Stager interface {
	Sink
	// Stage prepares the output of art under ref without changing what
	// is visible, and returns what commits or discards it.
	Stage(ctx context.Context, art Artifact, ref Ref) (Staged, error)
}

// Staged is an output prepared by Stage and not yet visible.
type Staged interface {
	// Commit makes the output visible and says where it went. A failed
	// Commit leaves the previous output as it was.
	Commit(ctx context.Context) (Published, error)
	// Abort discards what Stage prepared; after Commit it does nothing.
	Abort()
}

// Describe names the output of a sink in messages: "the layout DIR", "the
// tarball FILE", "REPO" (a --push destination), "the Docker engine at
// HOST"; other sinks by their String method, else their type.
func Describe(s Sink) string {
	switch s := s.(type) {
	case Layout:
		return "the layout " + s.Dir
	case Tarball:
		return "the tarball " + s.Path
	case Registry:
		return s.Repo
	case Daemon:
		return "the Docker engine at " + s.host()
	case fmt.Stringer:
		return s.String()
	}
	return fmt.Sprintf("%T", s)
}

var _ Stager = Layout{}

// Stage prepares nothing: the layout is written by Commit, which replaces
// index.json last. (The caller decides which directories may be created:
// Publish creates the layout directory and any missing parent.)
func (l Layout) Stage(_ context.Context, art Artifact, ref Ref) (Staged, error) {
	return &stagedLayout{l: l, art: art, ref: ref}, nil
}

type stagedLayout struct {
	l   Layout
	art Artifact
	ref Ref
}

func (s *stagedLayout) Commit(ctx context.Context) (Published, error) {
	return s.l.Publish(ctx, s.art, s.ref)
}

func (s *stagedLayout) Abort() {}
