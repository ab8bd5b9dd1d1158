package publish

import (
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/leve-build/leve/internal/atomicfile"
	"github.com/leve-build/leve/pkg/sbom"
)

// leveArtifactTypes are the artifact types of the referrers leve writes:
// its SBOMs. In a layout, an untagged entry of one of these types with a
// subject is leve's to remove once its subject is gone; every other entry
// belongs to whoever wrote it.
var leveArtifactTypes = []string{sbom.SPDXMediaType, sbom.CycloneDXMediaType}

// nextIndex returns the entries of a layout that held old after writing
// desc (tagged) with its referrers refs: desc replaces the entry with its
// tag, refs are added, and leve's referrers whose subject no remaining
// entry reaches are dropped. Every other entry, tagged or not, written by
// leve or by another tool, is kept. The blobs of desc and refs must be in
// the layout already.
func (l Layout) nextIndex(old []v1.Descriptor, desc v1.Descriptor, refs []v1.Descriptor) []v1.Descriptor {
	descs := replaceTag(old, desc)
	for _, rd := range refs {
		if !slices.ContainsFunc(descs, func(d v1.Descriptor) bool { return d.Digest == rd.Digest }) {
			descs = append(descs, rd)
		}
	}
	return l.dropOrphans(descs)
}

// leveReferrer returns the subject of d when d is an untagged referrer of
// an artifact type leve writes.
func (l Layout) leveReferrer(d v1.Descriptor) (subject string, ok bool) {
	if d.Annotations[AnnotationRefName] != "" || !d.MediaType.IsImage() {
		return "", false
	}
	b, err := os.ReadFile(filepath.Join(l.Dir, blobPath(d.Digest)))
	if err != nil {
		return "", false
	}
	var m struct {
		ArtifactType string
		Config       v1.Descriptor
		Subject      *v1.Descriptor
	}
	if json.Unmarshal(b, &m) != nil || m.Subject == nil {
		return "", false
	}
	at := d.ArtifactType
	if at == "" {
		at = m.ArtifactType
	}
	if at == "" {
		at = string(m.Config.MediaType)
	}
	if !slices.Contains(leveArtifactTypes, at) {
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

// collect removes the blobs that no entry of descs reaches and leve's
// temporary files, which, as it runs with the layout locked, are those of
// leve processes that died. It removes no blob when it meets a manifest it
// cannot read, and never a file whose name is not a sha256 digest or
// leve's temporary name.
func (l Layout) collect(descs []v1.Descriptor) error {
	_, err := l.collectBlobs(descs)
	return err
}

// collectBlobs is collect, returning the digests of the blobs it removed.
func (l Layout) collectBlobs(descs []v1.Descriptor) (removed []string, err error) {
	errs := []error{removeTemps(l.Dir)}
	dir := filepath.Join(l.Dir, "blobs", "sha256")
	keep := map[string]bool{}
	sweep := l.reach(descs, keep)
	entries, err := os.ReadDir(dir)
	if errors.Is(err, os.ErrNotExist) {
		return nil, errors.Join(errs...)
	}
	if err != nil {
		return nil, errors.Join(append(errs, err)...)
	}
	for _, e := range entries {
		name := e.Name()
		switch {
		case strings.HasPrefix(name, atomicfile.TempPrefix):
		case sweep && isHexDigest(name) && !keep["sha256:"+name] && e.Type().IsRegular():
		default:
			continue
		}
		err := os.Remove(filepath.Join(dir, name))
		if err != nil && !errors.Is(err, os.ErrNotExist) {
			errs = append(errs, err)
		} else if err == nil && isHexDigest(name) {
			removed = append(removed, "sha256:"+name)
		}
	}
	return removed, errors.Join(errs...)
}

// removeTemps removes leve's temporary files directly in dir.
func removeTemps(dir string) error {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil
	}
	var errs []error
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), atomicfile.TempPrefix) {
			if err := os.Remove(filepath.Join(dir, e.Name())); err != nil && !errors.Is(err, os.ErrNotExist) {
				errs = append(errs, err)
			}
		}
	}
	return errors.Join(errs...)
}

func isHexDigest(s string) bool {
	if len(s) != 64 {
		return false
	}
	_, err := hex.DecodeString(s)
	return err == nil && strings.ToLower(s) == s
}

// reach marks every blob reachable from descs, which name manifests and
// indexes; false means a manifest could not be read or is of a kind it
// does not know, so no blob may be removed.
func (l Layout) reach(descs []v1.Descriptor, keep map[string]bool) bool {
	for _, d := range descs {
		if keep[d.Digest.String()] {
			continue
		}
		keep[d.Digest.String()] = true
		if !d.MediaType.IsImage() && !d.MediaType.IsIndex() {
			return false // not a manifest leve knows how to follow
		}
		b, err := os.ReadFile(filepath.Join(l.Dir, blobPath(d.Digest)))
		if err != nil {
			return false
		}
		var m struct {
			Config    *v1.Descriptor
			Layers    []v1.Descriptor
			Manifests []v1.Descriptor
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

// errNotLayout says that a directory holds something other than an OCI
// layout, so leve will not write into it.
var errNotLayout = errors.New("it is not an empty directory or an OCI image layout (no index.json); choose another -o directory")

func notLayout(dir string) error {
	return fmt.Errorf("refusing to write into %s: %w", dir, errNotLayout)
}
