package pull

import (
	"bytes"
	"encoding/json"
	"fmt"
	"regexp"
	"sync"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/partial"
	"github.com/google/go-containerregistry/pkg/v1/types"
)

// dockerEntry is one image of a docker save archive's manifest.json.
type dockerEntry struct {
	Config   string
	RepoTags []string
	Layers   []string
}

// configNameRE matches the names docker save gives a config: its digest,
// as "<hex>.json" (before Docker 25) or "blobs/sha256/<hex>".
var configNameRE = regexp.MustCompile(`^(?:blobs/sha256/)?([0-9a-f]{64})(?:\.json)?$`)

// openManifestJSON opens the image a docker save archive's manifest.json
// names: the only one, or the one tagged tag. Its manifest is made here
// (the legacy format keeps none): layers are named by their diff_ids and
// checked against them as they stream.
func openManifestJSON(fsys blobFS, source, tag string, closers *[]func() error) (*legacyImage, error) {
	raw, err := readFile(fsys, "manifest.json", metadataLimit)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", source, err)
	}
	var entries []dockerEntry
	if err := json.Unmarshal(raw, &entries); err != nil {
		return nil, fmt.Errorf("%s: parsing manifest.json: %w", source, err)
	}
	e, err := pickEntry(entries, tag)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", source, err)
	}
	rawCfg, err := readFile(fsys, e.Config, metadataLimit)
	if err != nil {
		return nil, fmt.Errorf("%s: reading config %s: %w", source, e.Config, err)
	}
	cfgDigest, _, _ := v1.SHA256(bytes.NewReader(rawCfg))
	if m := configNameRE.FindStringSubmatch(cleanName(e.Config)); m != nil {
		want := v1.Hash{Algorithm: "sha256", Hex: m[1]}
		if err := checkBytes(source, "config", want, -1, "its name in manifest.json", rawCfg); err != nil {
			return nil, err
		}
	}
	cf, err := v1.ParseConfigFile(bytes.NewReader(rawCfg))
	if err != nil {
		return nil, fmt.Errorf("%s: parsing config %s: %w", source, e.Config, err)
	}
	if len(cf.RootFS.DiffIDs) != len(e.Layers) {
		return nil, fmt.Errorf("%s: manifest.json names %d layers and the config %d diff_ids; %w", source, len(e.Layers), len(cf.RootFS.DiffIDs), ErrDamaged)
	}
	img := &legacyImage{source: source, rawCfg: rawCfg, config: cf, cfgDigest: cfgDigest}
	for n, p := range e.Layers {
		l, err := newArchiveLayer(fsys, p, source, n, cf.RootFS.DiffIDs[n])
		if err != nil {
			return nil, err
		}
		l.closers = closers
		img.layers = append(img.layers, l)
	}
	return img, nil
}

// pickEntry returns the only entry, or the one tagged tag.
func pickEntry(entries []dockerEntry, tag string) (*dockerEntry, error) {
	if tag == "" {
		if len(entries) != 1 {
			return nil, fmt.Errorf("manifest.json names %d images; add :NAME:TAG to choose one", len(entries))
		}
		return &entries[0], nil
	}
	want, err := name.NewTag(tag)
	if err != nil {
		return nil, fmt.Errorf("%q is not NAME:TAG: %w", tag, err)
	}
	for i, e := range entries {
		for _, t := range e.RepoTags {
			if got, err := name.NewTag(t); err == nil && got.Name() == want.Name() {
				return &entries[i], nil
			}
		}
	}
	return nil, fmt.Errorf("manifest.json names no image tagged %s", tag)
}

// legacyImage is an image of a docker save archive without an OCI index.
type legacyImage struct {
	source    string
	rawCfg    []byte
	config    *v1.ConfigFile
	cfgDigest v1.Hash
	layers    []*archiveLayer

	once     sync.Once
	manifest []byte
	err      error
}

var _ v1.Image = (*legacyImage)(nil)

// Layers returns the layers, bottom up, each checked as it is read.
func (i *legacyImage) Layers() ([]v1.Layer, error) {
	out := make([]v1.Layer, len(i.layers))
	for n, l := range i.layers {
		out[n] = l
	}
	return out, nil
}

// MediaType returns Docker's manifest type.
func (i *legacyImage) MediaType() (types.MediaType, error) { return types.DockerManifestSchema2, nil }

// rawManifest makes the manifest, once: it compresses every layer that
// the archive holds uncompressed.
func (i *legacyImage) rawManifest() ([]byte, error) {
	i.once.Do(func() {
		m := v1.Manifest{SchemaVersion: 2, MediaType: types.DockerManifestSchema2,
			Config: v1.Descriptor{MediaType: types.DockerConfigJSON, Size: int64(len(i.rawCfg)), Digest: i.cfgDigest}}
		for _, l := range i.layers {
			d, err := l.Descriptor()
			if err != nil {
				i.err = err
				return
			}
			m.Layers = append(m.Layers, *d)
		}
		i.manifest, i.err = json.Marshal(m)
	})
	return i.manifest, i.err
}

// Size returns the made manifest's size.
func (i *legacyImage) Size() (int64, error) { return partial.Size(i) }

// ConfigName returns the config's digest.
func (i *legacyImage) ConfigName() (v1.Hash, error) { return i.cfgDigest, nil }

// ConfigFile returns the config, parsed.
func (i *legacyImage) ConfigFile() (*v1.ConfigFile, error) { return i.config.DeepCopy(), nil }

// RawConfigFile returns the config as checked.
func (i *legacyImage) RawConfigFile() ([]byte, error) { return bytes.Clone(i.rawCfg), nil }

// Digest returns the made manifest's digest.
func (i *legacyImage) Digest() (v1.Hash, error) { return partial.Digest(i) }

// Manifest returns the made manifest, parsed.
func (i *legacyImage) Manifest() (*v1.Manifest, error) { return partial.Manifest(i) }

// RawManifest returns the made manifest.
func (i *legacyImage) RawManifest() ([]byte, error) { return i.rawManifest() }

// LayerByDigest returns the layer whose blob, as leve makes it, is h.
func (i *legacyImage) LayerByDigest(h v1.Hash) (v1.Layer, error) {
	for _, l := range i.layers {
		if d, err := l.Digest(); err != nil {
			return nil, err
		} else if d == h {
			return l, nil
		}
	}
	return nil, fmt.Errorf("%s: no layer with digest %s", i.source, h)
}

// LayerByDiffID returns the layer with diff_id h.
func (i *legacyImage) LayerByDiffID(h v1.Hash) (v1.Layer, error) {
	for _, l := range i.layers {
		if l.diffID == h {
			return l, nil
		}
	}
	return nil, fmt.Errorf("%s: no layer with diff_id %s", i.source, h)
}
