package assemble

import (
	"archive/tar"
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/layout"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/tarball"

	"github.com/leve-build/leve/internal/oneline"
)

// Scratch names the empty base.
const Scratch = "scratch"

// Base is a base image: one image, or an index to pick a platform from.
type Base struct {
	Ref string
	img v1.Image
	idx v1.ImageIndex
}

// BaseOptions configure how OpenBase reaches registries.
type BaseOptions struct {
	Insecure bool           // allow plain HTTP
	Keychain authn.Keychain // nil means authn.DefaultKeychain
}

// OpenBase resolves ref: "scratch" (nil Base), "oci:DIR[:TAG]" for an OCI
// image layout, "docker-archive:FILE" or a path ending in ".tar" for a
// docker save tarball, else a registry reference such as "alpine:3.24".
// Registry layers are fetched lazily, only when a sink needs them.
func OpenBase(ctx context.Context, ref string, o BaseOptions) (*Base, error) {
	switch {
	case ref == "" || ref == Scratch:
		return nil, nil
	case strings.HasPrefix(ref, "oci:"):
		return openLayout(ref)
	case strings.HasPrefix(ref, "docker-archive:") || strings.HasSuffix(ref, ".tar"):
		path := strings.TrimPrefix(ref, "docker-archive:")
		img, err := tarball.ImageFromPath(path, nil)
		if err != nil {
			return nil, fmt.Errorf("base %q: reading docker archive: %w", ref, err)
		}
		return &Base{Ref: ref, img: img}, nil
	}
	var nopts []name.Option
	if o.Insecure {
		nopts = append(nopts, name.Insecure)
	}
	r, err := name.ParseReference(ref, nopts...)
	if err != nil {
		return nil, fmt.Errorf("base %q: %v; use scratch, oci:DIR[:TAG], docker-archive:FILE or a registry reference", ref, err)
	}
	kc := o.Keychain
	if kc == nil {
		kc = authn.DefaultKeychain
	}
	desc, err := remote.Get(r, remote.WithContext(ctx), remote.WithAuthFromKeychain(kc))
	if err != nil {
		return nil, fmt.Errorf("base %q: %s", ref, oneline.First(err.Error()))
	}
	if desc.MediaType.IsIndex() {
		idx, err := desc.ImageIndex()
		if err != nil {
			return nil, fmt.Errorf("base %q: %w", ref, err)
		}
		return &Base{Ref: ref, idx: idx}, nil
	}
	img, err := desc.Image()
	if err != nil {
		return nil, fmt.Errorf("base %q: %w", ref, err)
	}
	return &Base{Ref: ref, img: img}, nil
}

// openLayout opens "oci:DIR[:TAG]", TAG defaulting to the layout's only
// entry, else "latest".
func openLayout(ref string) (*Base, error) {
	dir, tag := strings.TrimPrefix(ref, "oci:"), ""
	if i := strings.LastIndex(dir, ":"); i > strings.LastIndex(dir, string(filepath.Separator)) {
		dir, tag = dir[:i], dir[i+1:]
	}
	idx, err := layout.ImageIndexFromPath(dir)
	if err != nil {
		return nil, fmt.Errorf("base %q: not an OCI image layout: %w", ref, err)
	}
	im, err := idx.IndexManifest()
	if err != nil {
		return nil, fmt.Errorf("base %q: %w", ref, err)
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
		return nil, fmt.Errorf("base %q: no image tagged %q in the layout", ref, tag)
	}
	if pick.MediaType.IsIndex() {
		child, err := idx.ImageIndex(pick.Digest)
		if err != nil {
			return nil, fmt.Errorf("base %q: %w", ref, err)
		}
		return &Base{Ref: ref, idx: child}, nil
	}
	img, err := idx.Image(pick.Digest)
	if err != nil {
		return nil, fmt.Errorf("base %q: %w", ref, err)
	}
	return &Base{Ref: ref, img: img}, nil
}

// Platforms lists the Linux platforms the base offers.
func (b *Base) Platforms() ([]v1.Platform, error) {
	if b.idx == nil {
		cf, err := b.img.ConfigFile()
		if err != nil {
			return nil, fmt.Errorf("base %q: %w", b.Ref, err)
		}
		return []v1.Platform{{OS: cf.OS, Architecture: cf.Architecture, Variant: cf.Variant}}, nil
	}
	im, err := b.idx.IndexManifest()
	if err != nil {
		return nil, fmt.Errorf("base %q: %w", b.Ref, err)
	}
	var out []v1.Platform
	for _, d := range im.Manifests {
		if d.Platform != nil && d.Platform.OS == "linux" && d.Platform.Architecture != "unknown" {
			out = append(out, *d.Platform)
		}
	}
	return out, nil
}

// Image returns the base's image for a platform.
func (b *Base) Image(os, arch, variant string) (v1.Image, error) {
	match := func(p v1.Platform) bool {
		return p.OS == os && p.Architecture == arch && (variant == "" || p.Variant == variant || (p.Variant == "" && variant == "v8"))
	}
	if b.idx == nil {
		cf, err := b.img.ConfigFile()
		if err != nil {
			return nil, fmt.Errorf("base %q: %w", b.Ref, err)
		}
		if !match(v1.Platform{OS: cf.OS, Architecture: cf.Architecture, Variant: cf.Variant}) {
			return nil, fmt.Errorf("base %q is %s/%s, not %s/%s; choose a base for that platform", b.Ref, cf.OS, cf.Architecture, os, arch)
		}
		return b.img, nil
	}
	im, err := b.idx.IndexManifest()
	if err != nil {
		return nil, fmt.Errorf("base %q: %w", b.Ref, err)
	}
	for _, d := range im.Manifests {
		if d.Platform != nil && match(*d.Platform) {
			return b.idx.Image(d.Digest)
		}
	}
	return nil, fmt.Errorf("base %q has no image for %s/%s; it offers other platforms only", b.Ref, os, arch)
}

// readFiles returns the content of the named files (paths without a
// leading slash) as the base's layers leave them, reading layers from the
// top down and stopping once all are found or whited out.
func readFiles(img v1.Image, names ...string) (map[string][]byte, error) {
	layers, err := img.Layers()
	if err != nil {
		return nil, err
	}
	found := map[string][]byte{}
	done := map[string]bool{}
	for i := len(layers) - 1; i >= 0 && len(done) < len(names); i-- {
		rc, err := layers[i].Uncompressed()
		if err != nil {
			return nil, err
		}
		err = scanTar(rc, func(h *tar.Header, r io.Reader) error {
			n := strings.TrimPrefix(filepathClean(h.Name), "/")
			for _, want := range names {
				if done[want] {
					continue
				}
				dir, base := filepath.Split(want)
				switch {
				case n == want && h.Typeflag == tar.TypeReg:
					b, err := io.ReadAll(io.LimitReader(r, 16<<20))
					if err != nil {
						return err
					}
					found[want], done[want] = b, true
				case n == dir+".wh."+base:
					done[want] = true
				}
			}
			return nil
		})
		rc.Close()
		if err != nil {
			return nil, err
		}
	}
	return found, nil
}

func scanTar(r io.Reader, fn func(*tar.Header, io.Reader) error) error {
	tr := tar.NewReader(r)
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
		if err := fn(h, tr); err != nil {
			return err
		}
	}
}

func filepathClean(p string) string { return filepath.ToSlash(filepath.Clean("/" + p)) }
