package pull

import (
	"bytes"
	"crypto/sha256"
	"fmt"
	"io"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/types"
)

// image is an image whose manifest and config were checked when it was
// opened and whose layers are checked while they stream.
type image struct {
	source   string
	under    v1.Image
	raw      []byte // the manifest, checked
	manifest *v1.Manifest
	rawCfg   []byte // the config, checked
	config   *v1.ConfigFile
	// local is set when the manifest was made here (a docker archive):
	// its layer digests are then leve's, and errors name layers by the
	// diff_ids the archive names them by.
	local bool
}

var _ v1.Image = (*image)(nil)

// verifyImage checks img's manifest against desc (nil: a manifest made
// locally from a docker archive, with nothing to check it against) and
// its config against the manifest, and returns img with its layers
// checked as they are read.
func verifyImage(source string, img v1.Image, desc *v1.Descriptor) (*image, error) {
	raw, err := img.RawManifest()
	if err != nil {
		return nil, fmt.Errorf("%s: reading the manifest: %w", source, err)
	}
	if desc != nil {
		if err := checkBytes(source, "manifest", desc.Digest, desc.Size, "the index", raw); err != nil {
			return nil, err
		}
	}
	m, err := v1.ParseManifest(bytes.NewReader(raw))
	if err != nil {
		return nil, fmt.Errorf("%s: parsing the manifest: %w", source, err)
	}
	rawCfg, err := img.RawConfigFile()
	if err != nil {
		return nil, fmt.Errorf("%s: reading config blob %s: %w", source, m.Config.Digest, err)
	}
	if err := checkBytes(source, "config", m.Config.Digest, m.Config.Size, "its manifest", rawCfg); err != nil {
		return nil, err
	}
	cf, err := v1.ParseConfigFile(bytes.NewReader(rawCfg))
	if err != nil {
		return nil, fmt.Errorf("%s: parsing config blob %s: %w", source, m.Config.Digest, err)
	}
	if len(cf.RootFS.DiffIDs) != len(m.Layers) {
		return nil, fmt.Errorf("%s: the manifest names %d layers and the config %d diff_ids; %w", source, len(m.Layers), len(cf.RootFS.DiffIDs), ErrDamaged)
	}
	return &image{source: source, under: img, raw: raw, manifest: m, rawCfg: rawCfg, config: cf, local: desc == nil}, nil
}

// Layers returns the image's layers, bottom up, each checked as it is
// read.
func (i *image) Layers() ([]v1.Layer, error) {
	out := make([]v1.Layer, len(i.manifest.Layers))
	for n, d := range i.manifest.Layers {
		l, err := i.under.LayerByDigest(d.Digest)
		if err != nil {
			return nil, fmt.Errorf("%s: reading layer %d blob %s: %w", i.source, n+1, d.Digest, err)
		}
		vl := &layer{source: i.source, blob: fmt.Sprintf("layer %d", n+1), desc: d, diffID: i.config.RootFS.DiffIDs[n], under: l, id: d.Digest}
		if i.local {
			vl.id = vl.diffID
		}
		out[n] = vl
		if ml, ok := l.(*remote.MountableLayer); ok {
			// Pushing to the registry it came from mounts it.
			out[n] = &remote.MountableLayer{Layer: vl, Reference: ml.Reference}
		}
	}
	return out, nil
}

// MediaType returns the manifest's media type.
func (i *image) MediaType() (types.MediaType, error) {
	if i.manifest.MediaType != "" {
		return i.manifest.MediaType, nil
	}
	return i.under.MediaType()
}

// Size returns the manifest's size.
func (i *image) Size() (int64, error) { return int64(len(i.raw)), nil }

// ConfigName returns the config's digest.
func (i *image) ConfigName() (v1.Hash, error) { return i.manifest.Config.Digest, nil }

// ConfigFile returns the config, parsed.
func (i *image) ConfigFile() (*v1.ConfigFile, error) { return i.config.DeepCopy(), nil }

// RawConfigFile returns the config as checked.
func (i *image) RawConfigFile() ([]byte, error) { return bytes.Clone(i.rawCfg), nil }

// Digest returns the manifest's digest.
func (i *image) Digest() (v1.Hash, error) {
	h, _, err := v1.SHA256(bytes.NewReader(i.raw))
	return h, err
}

// Manifest returns the manifest, parsed.
func (i *image) Manifest() (*v1.Manifest, error) { return i.manifest.DeepCopy(), nil }

// RawManifest returns the manifest as checked.
func (i *image) RawManifest() ([]byte, error) { return bytes.Clone(i.raw), nil }

// LayerByDigest returns the layer with compressed digest h.
func (i *image) LayerByDigest(h v1.Hash) (v1.Layer, error) {
	ls, err := i.Layers()
	if err != nil {
		return nil, err
	}
	for n, d := range i.manifest.Layers {
		if d.Digest == h {
			return ls[n], nil
		}
	}
	return nil, fmt.Errorf("%s: no layer with digest %s", i.source, h)
}

// LayerByDiffID returns the layer with diff_id h.
func (i *image) LayerByDiffID(h v1.Hash) (v1.Layer, error) {
	ls, err := i.Layers()
	if err != nil {
		return nil, err
	}
	for n, d := range i.config.RootFS.DiffIDs {
		if d == h {
			return ls[n], nil
		}
	}
	return nil, fmt.Errorf("%s: no layer with diff_id %s", i.source, h)
}

// layer is a layer checked while it streams: its compressed bytes
// against the manifest's digest and size and their content against the
// config's diff_id.
type layer struct {
	source, blob string
	desc         v1.Descriptor
	diffID       v1.Hash
	under        v1.Layer
	id           v1.Hash // how errors name the blob: its digest, or a docker archive's diff_id
}

var _ v1.Layer = (*layer)(nil)

// Digest returns the compressed digest the manifest names.
func (l *layer) Digest() (v1.Hash, error) { return l.desc.Digest, nil }

// DiffID returns the diff_id the config names.
func (l *layer) DiffID() (v1.Hash, error) { return l.diffID, nil }

// Size returns the compressed size the manifest names.
func (l *layer) Size() (int64, error) { return l.desc.Size, nil }

// MediaType returns the media type the manifest names.
func (l *layer) MediaType() (types.MediaType, error) { return l.desc.MediaType, nil }

// Descriptor returns the manifest's descriptor, annotations and URLs
// included, for images built on this one.
func (l *layer) Descriptor() (*v1.Descriptor, error) {
	d := l.desc
	return &d, nil
}

// name names the layer's blob in errors: "base oci:x: reading layer 2
// blob sha256:…".
func (l *layer) name() string {
	return fmt.Sprintf("%s: reading %s blob %s", l.source, l.blob, l.id)
}

func (l *layer) fail(problem string) error {
	return &BlobError{Source: l.source, Blob: l.blob, Digest: l.id, Problem: problem}
}

// Compressed returns the layer's blob; the read that ends it fails when
// its digest or size differ from the manifest's, or its content's digest
// from the config's diff_id.
func (l *layer) Compressed() (io.ReadCloser, error) {
	rc, err := l.under.Compressed()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", l.name(), err)
	}
	d := newDiffIDWriter()
	v := &verifier{rc: rc, h: sha256.New(), want: l.desc.Digest, size: l.desc.Size, what: "has", of: "its manifest", fail: l.fail, name: l.name(), tee: d}
	v.atEOF = func() error {
		got, err := d.Sum()
		switch {
		case err != nil:
			return l.fail(fmt.Sprintf("does not decompress (%v)", err))
		case l.diffID.Algorithm != "sha256" || got != l.diffID.Hex:
			return l.fail(fmt.Sprintf("unpacks to content with digest sha256:%s, not the diff_id %s the config names", got, l.diffID))
		}
		return nil
	}
	return &abortOnClose{verifier: v, diff: d}, nil
}

// abortOnClose stops the diff_id check when the blob is closed.
type abortOnClose struct {
	*verifier
	diff *diffIDWriter
}

// Close ends the diff_id check and closes the blob.
func (a *abortOnClose) Close() error {
	a.diff.Abort()
	return a.verifier.Close()
}

// Uncompressed returns the layer's content; the read that ends it fails
// when its digest differs from the config's diff_id.
func (l *layer) Uncompressed() (io.ReadCloser, error) {
	rc, err := l.under.Uncompressed()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", l.name(), err)
	}
	return &verifier{rc: rc, h: sha256.New(), want: l.diffID, size: -1, what: "unpacks to content with", of: "the config", label: "diff_id ", fail: l.fail, name: l.name()}, nil
}

// VerifiesDiffID says that Uncompressed checks the content against the
// config's diff_id (imagefs.DiffIDVerifier): readers need not hash it
// again.
func (l *layer) VerifiesDiffID() bool { return true }
