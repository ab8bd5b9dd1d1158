package pull

import (
	"bytes"
	"context"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/remote"

	"github.com/leve-build/leve/internal/oneline"
	"github.com/leve-build/leve/pkg/platform"
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
	// Store is the directory of the local store (see package store) where
	// a bare NAME[:TAG] is looked up before a registry; "" is
	// store.DefaultDir.
	Store string
}

// Source is an opened image: one image, or an index to pick a platform
// from. Its blobs are checked as they are read.
type Source struct {
	// Ref is the reference it was opened from.
	Ref string
	// From says, for a bare NAME[:TAG] (IsBareName), which of the images
	// it could mean was opened: "the local store (leve-out/NAME:TAG)" or
	// "the registry (index.docker.io/library/NAME:TAG)"; "" for every
	// other reference, whose meaning is exact.
	From string
	name string // how errors name it: role and reference
	img  v1.Image
	idx  v1.ImageIndex
	im   *v1.IndexManifest // idx's manifest, checked
	// fs holds the blobs of a local source; nil for a registry.
	fs      blobFS
	closers []func() error
}

// Open resolves ref:
//
//   - "scratch" or "": a nil Source;
//   - "oci:DIR[:TAG]": an OCI image layout;
//   - "oci-archive:FILE[:TAG]": a tar of an OCI image layout, read in place;
//   - "docker-archive:FILE[:NAME:TAG]": a docker save archive in any of
//     its formats (legacy, Docker ≥ 25, the containerd image store's, and
//     leve's --tarball), read in place;
//   - "docker:NAME": an image of the Docker daemon on DOCKER_HOST;
//   - "podman:NAME": an image of podman's local storage;
//   - a path that exists: a directory holding index.json, or a tar, its
//     format detected;
//   - a bare NAME[:TAG] (IsBareName) that the local store (o.Store)
//     holds: that image;
//   - else a registry reference such as "alpine:3.24".
//
// Manifests and configs are read and checked now; layers only when they
// are read, registry layers fetched then. Close releases what a local
// source keeps open.
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
		dir, tag := splitTag(strings.TrimPrefix(ref, "oci:"))
		if !dirFS(dir).Has("index.json") {
			err = fmt.Errorf("%s: not an OCI image layout: %s has no index.json", s.name, dir)
			break
		}
		err = s.openLayoutFS(dirFS(dir), tag)
	case strings.HasPrefix(ref, "oci-archive:"):
		file, tag := splitFileRef(strings.TrimPrefix(ref, "oci-archive:"))
		err = s.openArchive(file, tag, "oci-archive")
	case strings.HasPrefix(ref, "docker-archive:"):
		file, tag := splitFileRef(strings.TrimPrefix(ref, "docker-archive:"))
		err = s.openArchive(file, tag, "docker-archive")
	case strings.HasPrefix(ref, "docker:"):
		err = s.openDocker(ctx, strings.TrimPrefix(ref, "docker:"))
	case strings.HasPrefix(ref, "podman:"):
		err = s.openPodman(ctx, strings.TrimPrefix(ref, "podman:"))
	default:
		var found bool
		if found, err = s.openPath(ref); !found {
			if strings.HasSuffix(ref, ".tar") {
				err = fmt.Errorf("%s: no such file", s.name)
				break
			}
			if IsBareName(ref) {
				if found, err = s.openStore(ref, o.Store); found {
					break
				}
			}
			err = s.openRemote(ctx, o.Registry)
		}
	}
	if err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

// splitTag splits "DIR[:TAG]" at a colon after the last path separator.
func splitTag(ref string) (dir, tag string) {
	if i := strings.LastIndex(ref, ":"); i > strings.LastIndex(ref, string(filepath.Separator)) {
		return ref[:i], ref[i+1:]
	}
	return ref, ""
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
		if p := regopts.Explain(err, ro); p != nil {
			return fmt.Errorf("%s: %w", s.name, p)
		}
		return fmt.Errorf("%s: %s", s.name, oneline.First(err.Error()))
	}
	if IsBareName(s.Ref) {
		s.From = "the registry (" + r.Name() + ")"
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

// openLayoutFS opens the OCI image layout fsys holds, choosing the entry
// of its index.json tagged tag: by default the only entry, else the one
// tagged "latest", else the only tagged one (untagged entries being
// referrers such as SBOMs).
func (s *Source) openLayoutFS(fsys blobFS, tag string) error {
	s.fs = fsys
	idx, err := readLayoutIndex(fsys, "index.json")
	if err != nil {
		return fmt.Errorf("%s: not an OCI image layout: %w", s.name, err)
	}
	im := idx.im
	var pick, only *v1.Descriptor
	tags := 0
	for i, d := range im.Manifests {
		if tagged(d, tag) || (tag == "" && (len(im.Manifests) == 1 || d.Annotations[refName] == "latest")) {
			pick = &im.Manifests[i]
			break
		}
		if d.Annotations[refName] != "" {
			tags++
			only = &im.Manifests[i]
		}
	}
	if pick == nil && tag == "" && tags == 1 {
		pick = only
	}
	if pick == nil {
		if tag == "" {
			return fmt.Errorf("%s: the index names %d images and none is tagged latest nor is the only one tagged; add :TAG to choose one", s.name, len(im.Manifests))
		}
		return fmt.Errorf("%s: no image tagged %q in the layout", s.name, tag)
	}
	if pick.MediaType.IsIndex() {
		child, err := idx.ImageIndex(pick.Digest)
		if err != nil {
			return fmt.Errorf("%s: %w", s.name, err)
		}
		return s.setIndex(child, pick)
	}
	if what := absent(fsys, pick.Digest); what != "" {
		return fmt.Errorf("%s: the %s is not in it; save or copy the image again", s.name, what)
	}
	img, err := idx.Image(pick.Digest)
	if err != nil {
		return fmt.Errorf("%s: %w", s.name, err)
	}
	return s.setImage(img, pick)
}

// refName is the annotation of an OCI layout's tag.
const refName = "org.opencontainers.image.ref.name"

// tagged reports whether d is tagged tag, by the OCI layout's annotation
// or containerd's image name ("docker.io/library/x:1" for "x:1").
func tagged(d v1.Descriptor, tag string) bool {
	if tag == "" {
		return false
	}
	if d.Annotations[refName] == tag {
		return true
	}
	full := d.Annotations["io.containerd.image.name"]
	if full == "" {
		return false
	}
	want, err1 := name.NewTag(tag)
	got, err2 := name.NewTag(full)
	return err1 == nil && err2 == nil && want.Name() == got.Name()
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
		return []v1.Platform{platform.Of(cf)}, nil
	}
	var out []v1.Platform
	for _, d := range s.im.Manifests {
		if s.fs != nil && absent(s.fs, d.Digest) != "" {
			continue // a platform the save did not include
		}
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
		if !match(platform.Of(cf)) {
			return nil, fmt.Errorf("%s is %s/%s, not %s/%s; choose one for that platform", s.name, cf.OS, cf.Architecture, os, arch)
		}
		return s.img, nil
	}
	for i, d := range s.im.Manifests {
		if d.Platform != nil && match(*d.Platform) {
			if s.fs != nil {
				if what := absent(s.fs, d.Digest); what != "" {
					return nil, fmt.Errorf("%s: the %s image's %s is not in it (a save holds only the platforms it pulled); choose a platform it holds or save it again with this one", s.name, platform.FromOCI(*d.Platform), what)
				}
			}
			img, err := s.idx.Image(d.Digest)
			if err != nil {
				return nil, fmt.Errorf("%s: reading the %s image: %w", s.name, platform.FromOCI(*d.Platform), err)
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

// Local reports whether the image is read from local files (an OCI
// layout, an archive, a copy saved from a daemon) rather than fetched
// from a registry.
func (s *Source) Local() bool {
	_, legacy := s.img.(*legacyImage)
	return s.fs != nil || legacy
}
