package pull

import (
	"bytes"
	"context"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/layout"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/tarball"

	"github.com/leve-build/leve/internal/oneline"
	"github.com/leve-build/leve/pkg/regopts"
)

// Scratch names the empty image.
const Scratch = "scratch"

// Options configure Open.
type Options struct {
	// Registry is how registries are reached.
	Registry regopts.Options
	// Role says what the image is for in errors, e.g. "base" (the
	// default is "image"): "base oci:DIR: …".
	Role string
}

// Source is an opened image: one image, or an index to pick a platform
// from. Its blobs are checked as they are read.
type Source struct {
	// Ref is the reference it was opened from.
	Ref  string
	name string // how errors name it: role and reference
	img  v1.Image
	idx  v1.ImageIndex
	im   *v1.IndexManifest // idx's manifest, checked
}

// Open resolves ref: "scratch" or "" (a nil Source), "oci:DIR[:TAG]" for
// an OCI image layout, "docker-archive:FILE" or a path ending in ".tar"
// for a docker save tarball, else a registry reference such as
// "alpine:3.24". Manifests and configs are read and checked now; layers
// only when they are read, registry layers fetched then.
func Open(ctx context.Context, ref string, o Options) (*Source, error) {
	role := o.Role
	if role == "" {
		role = "image"
	}
	s := &Source{Ref: ref, name: role + " " + ref}
	var err error
	switch {
	case ref == "" || ref == Scratch:
		return nil, nil
	case strings.HasPrefix(ref, "oci:"):
		err = s.openLayout()
	case strings.HasPrefix(ref, "docker-archive:") || strings.HasSuffix(ref, ".tar"):
		err = s.openArchive(strings.TrimPrefix(ref, "docker-archive:"))
	default:
		err = s.openRemote(ctx, o.Registry)
	}
	if err != nil {
		return nil, err
	}
	return s, nil
}

// openArchive opens a docker save tarball. Its manifest is made here from
// the layers, so the layers' content is what is checked, against the
// config's diff_ids.
func (s *Source) openArchive(path string) error {
	img, err := tarball.ImageFromPath(path, nil)
	if err != nil {
		return fmt.Errorf("%s: reading docker archive: %w", s.name, err)
	}
	return s.setImage(img, nil)
}

// openRemote opens a registry reference.
func (s *Source) openRemote(ctx context.Context, ro regopts.Options) error {
	r, err := name.ParseReference(s.Ref, ro.NameOptions()...)
	if err != nil {
		return fmt.Errorf("%s: %v; use scratch, oci:DIR[:TAG], docker-archive:FILE or a registry reference", s.name, err)
	}
	opts, err := ro.RemoteOptions(ctx)
	if err != nil {
		return fmt.Errorf("%s: %w", s.name, err)
	}
	desc, err := remote.Get(r, opts...)
	if err != nil {
		if cause := regopts.Explain(err, ro); cause != "" {
			return fmt.Errorf("%s: %s", s.name, cause)
		}
		return fmt.Errorf("%s: %s", s.name, oneline.First(err.Error()))
	}
	if err := checkBytes(s.name, "manifest", desc.Digest, desc.Size, "the registry", desc.Manifest); err != nil {
		return err
	}
	if desc.MediaType.IsIndex() {
		idx, err := desc.ImageIndex()
		if err != nil {
			return fmt.Errorf("%s: %w", s.name, err)
		}
		return s.setIndex(idx, nil)
	}
	img, err := desc.Image()
	if err != nil {
		return fmt.Errorf("%s: %w", s.name, err)
	}
	return s.setImage(img, &desc.Descriptor)
}

// openLayout opens "oci:DIR[:TAG]", TAG defaulting to the layout's only
// entry, else "latest".
func (s *Source) openLayout() error {
	dir, tag := strings.TrimPrefix(s.Ref, "oci:"), ""
	if i := strings.LastIndex(dir, ":"); i > strings.LastIndex(dir, string(filepath.Separator)) {
		dir, tag = dir[:i], dir[i+1:]
	}
	idx, err := layout.ImageIndexFromPath(dir)
	if err != nil {
		return fmt.Errorf("%s: not an OCI image layout: %w", s.name, err)
	}
	im, err := idx.IndexManifest()
	if err != nil {
		return fmt.Errorf("%s: %w", s.name, err)
	}
	var pick *v1.Descriptor
	for i, d := range im.Manifests {
		t := d.Annotations["org.opencontainers.image.ref.name"]
		if t == tag || (tag == "" && (len(im.Manifests) == 1 || t == "latest")) {
			pick = &im.Manifests[i]
			break
		}
	}
	if pick == nil {
		return fmt.Errorf("%s: no image tagged %q in the layout", s.name, tag)
	}
	if pick.MediaType.IsIndex() {
		child, err := idx.ImageIndex(pick.Digest)
		if err != nil {
			return fmt.Errorf("%s: %w", s.name, err)
		}
		return s.setIndex(child, pick)
	}
	img, err := idx.Image(pick.Digest)
	if err != nil {
		return fmt.Errorf("%s: %w", s.name, err)
	}
	return s.setImage(img, pick)
}

// setImage sets the image, its manifest checked against desc (nil: a
// manifest made here).
func (s *Source) setImage(img v1.Image, desc *v1.Descriptor) error {
	vi, err := verifyImage(s.name, img, desc)
	if err != nil {
		return err
	}
	s.img = vi
	return nil
}

// setIndex sets the index to pick images from, its manifest checked
// against desc (nil: already checked).
func (s *Source) setIndex(idx v1.ImageIndex, desc *v1.Descriptor) error {
	raw, err := idx.RawManifest()
	if err != nil {
		return fmt.Errorf("%s: reading the index: %w", s.name, err)
	}
	if desc != nil {
		if err := checkBytes(s.name, "index", desc.Digest, desc.Size, "the layout's index.json", raw); err != nil {
			return err
		}
	}
	im, err := v1.ParseIndexManifest(bytes.NewReader(raw))
	if err != nil {
		return fmt.Errorf("%s: parsing the index: %w", s.name, err)
	}
	s.idx, s.im = idx, im
	return nil
}

// Platforms lists the Linux platforms the image offers.
func (s *Source) Platforms() ([]v1.Platform, error) {
	if s.im == nil {
		cf, err := s.img.ConfigFile()
		if err != nil {
			return nil, fmt.Errorf("%s: %w", s.name, err)
		}
		return []v1.Platform{{OS: cf.OS, Architecture: cf.Architecture, Variant: cf.Variant}}, nil
	}
	var out []v1.Platform
	for _, d := range s.im.Manifests {
		if d.Platform != nil && d.Platform.OS == "linux" && d.Platform.Architecture != "unknown" {
			out = append(out, *d.Platform)
		}
	}
	return out, nil
}

// Image returns the image for a platform, its blobs checked as they are
// read.
func (s *Source) Image(os, arch, variant string) (v1.Image, error) {
	match := func(p v1.Platform) bool {
		return p.OS == os && p.Architecture == arch && (variant == "" || p.Variant == variant || (p.Variant == "" && variant == "v8"))
	}
	if s.im == nil {
		cf, err := s.img.ConfigFile()
		if err != nil {
			return nil, fmt.Errorf("%s: %w", s.name, err)
		}
		if !match(v1.Platform{OS: cf.OS, Architecture: cf.Architecture, Variant: cf.Variant}) {
			return nil, fmt.Errorf("%s is %s/%s, not %s/%s; choose one for that platform", s.name, cf.OS, cf.Architecture, os, arch)
		}
		return s.img, nil
	}
	for i, d := range s.im.Manifests {
		if d.Platform != nil && match(*d.Platform) {
			img, err := s.idx.Image(d.Digest)
			if err != nil {
				return nil, fmt.Errorf("%s: reading the %s image: %w", s.name, platformString(*d.Platform), err)
			}
			vi, err := verifyImage(s.name, img, &s.im.Manifests[i])
			if err != nil {
				return nil, err
			}
			return vi, nil
		}
	}
	return nil, fmt.Errorf("%s has no image for %s/%s; it offers other platforms only", s.name, os, arch)
}

func platformString(p v1.Platform) string {
	s := p.OS + "/" + p.Architecture
	if p.Variant != "" {
		s += "/" + p.Variant
	}
	return s
}

// Local reports whether the image is read from local files (an OCI
// layout or a docker archive) rather than fetched from a registry.
func (s *Source) Local() bool {
	return strings.HasPrefix(s.Ref, "oci:") || strings.HasPrefix(s.Ref, "docker-archive:") || strings.HasSuffix(s.Ref, ".tar")
}
