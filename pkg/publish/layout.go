package publish

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/leve-build/leve/internal/atomicfile"
)

// Layout writes images into an OCI image layout directory. An image
// replaces the one with the same tag; images with other tags stay.
//
// The layout is updated in an order that keeps it valid at every step:
// blobs are added first (each written atomically under its digest), then
// index.json is replaced atomically, then blobs no tag reaches any more are
// removed. A failure before the index is replaced leaves the previous
// layout as it was, apart from blobs it does not reference.
type Layout struct {
	Dir string
}

var _ Sink = Layout{}

// Publish writes art, an image or an index with all its images, into the
// layout under ref.Tag.
func (l Layout) Publish(ctx context.Context, art Artifact, ref Ref) (Published, error) {
	desc, blobs, err := artifactBlobs(art)
	if err != nil {
		return Published{}, fmt.Errorf("writing layout %s: %w", l.Dir, err)
	}
	_, referrers := split(art)
	var refDescs []v1.Descriptor
	for _, r := range referrers {
		d, rb, err := imageBlobs(r)
		if err != nil {
			return Published{}, fmt.Errorf("writing layout %s: %w", l.Dir, err)
		}
		d.Platform = nil
		if m, err := r.Manifest(); err == nil {
			d.ArtifactType = m.ArtifactType
		}
		blobs = append(blobs, rb...)
		refDescs = append(refDescs, d)
	}
	old, err := l.readIndex()
	if err != nil {
		return Published{}, err
	}
	for _, b := range blobs {
		if err := ctx.Err(); err != nil {
			return Published{}, err
		}
		if err := l.writeBlob(b); err != nil {
			return Published{}, err
		}
	}
	descs := l.dropOrphans(replaceTag(old, tagged(desc, ref)))
	for _, rd := range refDescs {
		if !slices.ContainsFunc(descs, func(d v1.Descriptor) bool { return d.Digest == rd.Digest }) {
			descs = append(descs, rd)
		}
	}
	idx, err := indexJSON(descs)
	if err != nil {
		return Published{}, fmt.Errorf("writing layout %s: %w", l.Dir, err)
	}
	if err := ctx.Err(); err != nil {
		return Published{}, err
	}
	if err := l.writeFileOnce("oci-layout", []byte(ociLayoutFileContent)); err != nil {
		return Published{}, err
	}
	if err := atomicfile.WriteFile(filepath.Join(l.Dir, "index.json"), idx, 0o644); err != nil {
		return Published{}, err
	}
	if err := l.collect(descs); err != nil {
		return Published{}, fmt.Errorf("cleaning layout %s: %w", l.Dir, err)
	}
	return Published{Kind: "layout", Location: l.Dir, Digest: desc.Digest}, nil
}

// readIndex returns the descriptors of an existing layout, none for a
// missing or empty directory, and an error for a directory that holds
// something else: leve never writes into a directory it did not make.
func (l Layout) readIndex() ([]v1.Descriptor, error) {
	entries, err := os.ReadDir(l.Dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("reading layout %s: %w", l.Dir, err)
	}
	if len(entries) == 0 {
		return nil, nil
	}
	b, err := os.ReadFile(filepath.Join(l.Dir, "index.json"))
	if err != nil {
		return nil, fmt.Errorf("refusing to write into %s: it is not an empty directory or an OCI image layout (no index.json); choose another -o directory", l.Dir)
	}
	var idx v1.IndexManifest
	if err := json.Unmarshal(b, &idx); err != nil {
		return nil, fmt.Errorf("reading layout %s: index.json is corrupt (%v); remove the directory or choose another -o directory", l.Dir, err)
	}
	return idx.Manifests, nil
}

// dropOrphans removes untagged referrers (SBOMs) whose subject is no
// longer reachable from a tagged entry, so a layout keeps one entry per tag
// plus the referrers of what it holds.
func (l Layout) dropOrphans(descs []v1.Descriptor) []v1.Descriptor {
	var tagged []v1.Descriptor
	for _, d := range descs {
		if d.Annotations[AnnotationRefName] != "" {
			tagged = append(tagged, d)
		}
	}
	keep := map[string]bool{}
	if !l.reach(tagged, keep) {
		return descs
	}
	out := descs[:0:0]
	for _, d := range descs {
		if d.Annotations[AnnotationRefName] == "" {
			subject, ok := l.subjectOf(d)
			if !ok || !keep[subject] {
				continue
			}
		}
		out = append(out, d)
	}
	return out
}

// subjectOf returns the digest of the subject of a referrer in the layout.
func (l Layout) subjectOf(d v1.Descriptor) (string, bool) {
	b, err := os.ReadFile(filepath.Join(l.Dir, blobPath(d.Digest)))
	if err != nil {
		return "", false
	}
	var m struct{ Subject *v1.Descriptor }
	if json.Unmarshal(b, &m) != nil || m.Subject == nil {
		return "", false
	}
	return m.Subject.Digest.String(), true
}

// replaceTag returns descs with the entry tagged like d replaced by d, or
// d appended when no entry has its tag.
func replaceTag(descs []v1.Descriptor, d v1.Descriptor) []v1.Descriptor {
	out := make([]v1.Descriptor, 0, len(descs)+1)
	placed := false
	for _, old := range descs {
		if old.Annotations[AnnotationRefName] == d.Annotations[AnnotationRefName] {
			if !placed {
				out = append(out, d)
				placed = true
			}
			continue
		}
		out = append(out, old)
	}
	if !placed {
		out = append(out, d)
	}
	return out
}

func (l Layout) writeBlob(b blob) error {
	p := filepath.Join(l.Dir, "blobs", b.digest.Algorithm, b.digest.Hex)
	if fi, err := os.Stat(p); err == nil && fi.Size() == b.size {
		return nil
	}
	return atomicfile.Write(p, 0o644, b.copyTo)
}

func (l Layout) writeFileOnce(name string, data []byte) error {
	p := filepath.Join(l.Dir, name)
	if old, err := os.ReadFile(p); err == nil && bytes.Equal(old, data) {
		return nil
	}
	return atomicfile.WriteFile(p, data, 0o644)
}

// collect removes the blobs and leftover temporary files that descs no
// longer reach. It removes nothing when it meets a manifest it cannot read.
func (l Layout) collect(descs []v1.Descriptor) error {
	keep := map[string]bool{}
	if !l.reach(descs, keep) {
		return nil
	}
	dir := filepath.Join(l.Dir, "blobs", "sha256")
	entries, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	var errs []error
	for _, e := range entries {
		if keep["sha256:"+e.Name()] {
			continue
		}
		if !strings.HasPrefix(e.Name(), atomicfile.TempPrefix) && len(e.Name()) != 64 {
			continue // not ours
		}
		errs = append(errs, os.Remove(filepath.Join(dir, e.Name())))
	}
	return errors.Join(errs...)
}

// reach marks every blob reachable from descs; false means a manifest could
// not be read, so nothing may be removed.
func (l Layout) reach(descs []v1.Descriptor, keep map[string]bool) bool {
	for _, d := range descs {
		if keep[d.Digest.String()] {
			continue
		}
		keep[d.Digest.String()] = true
		if !d.MediaType.IsImage() && !d.MediaType.IsIndex() {
			continue
		}
		b, err := os.ReadFile(filepath.Join(l.Dir, blobPath(d.Digest)))
		if err != nil {
			return false
		}
		var m struct {
			Config    *v1.Descriptor
			Layers    []v1.Descriptor
			Manifests []v1.Descriptor
			Subject   *v1.Descriptor
		}
		if err := json.Unmarshal(b, &m); err != nil {
			return false
		}
		if m.Config != nil {
			keep[m.Config.Digest.String()] = true
		}
		for _, x := range m.Layers {
			keep[x.Digest.String()] = true
		}
		if !l.reach(m.Manifests, keep) {
			return false
		}
	}
	return true
}
