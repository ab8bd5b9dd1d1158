package publish

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	v1 "github.com/google/go-containerregistry/pkg/v1"
)

// ErrNoTag is wrapped by Untag's error when the layout has no entry with
// the tag asked for.
var ErrNoTag = errors.New("no image with that tag")

// Removed says what Untag or Prune took out of a layout.
type Removed struct {
	// Entries are the index entries removed: the tagged image and leve's
	// referrers (SBOMs) whose subject no remaining entry reaches.
	Entries []v1.Descriptor
	// Blobs are the digests of the blob files deleted, those no
	// remaining entry reaches.
	Blobs []string
}

// Untag removes the entry tagged tag from the layout, with leve's
// referrers whose subject is gone, and deletes the blobs no remaining
// entry reaches, holding the layout's lock throughout. Every other entry
// stays. The layout's directory stays, its index possibly empty.
func (l Layout) Untag(ctx context.Context, tag string) (Removed, error) {
	return l.rewrite(ctx, func(descs []v1.Descriptor) ([]v1.Descriptor, error) {
		var out []v1.Descriptor
		for _, d := range descs {
			if d.Annotations[AnnotationRefName] != tag {
				out = append(out, d)
			}
		}
		if len(out) == len(descs) {
			return nil, fmt.Errorf("removing %s:%s: %w", l.Dir, tag, ErrNoTag)
		}
		return out, nil
	})
}

// Prune removes leve's referrers whose subject no entry reaches and the
// blobs no entry reaches, holding the layout's lock. Entries that other
// tools wrote, tagged or not, stay.
func (l Layout) Prune(ctx context.Context) (Removed, error) {
	return l.rewrite(ctx, func(descs []v1.Descriptor) ([]v1.Descriptor, error) { return descs, nil })
}

// rewrite replaces the layout's entries by edit's, drops leve's orphaned
// referrers and collects the blobs no entry reaches, all under the lock.
func (l Layout) rewrite(ctx context.Context, edit func([]v1.Descriptor) ([]v1.Descriptor, error)) (Removed, error) {
	if _, err := os.Stat(filepath.Join(l.Dir, "index.json")); err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return Removed{}, fmt.Errorf("reading layout %s: %w", l.Dir, errNotLayout)
		}
		return Removed{}, fmt.Errorf("reading layout %s: %w", l.Dir, err)
	}
	unlock, err := lockDir(ctx, l.Dir)
	if err != nil {
		return Removed{}, err
	}
	defer unlock()
	old, err := l.readIndex()
	if err != nil {
		return Removed{}, err
	}
	next, err := edit(old.Manifests)
	if err != nil {
		return Removed{}, err
	}
	next = l.dropOrphans(next)
	var rm Removed
	for _, d := range old.Manifests {
		kept := false
		for _, n := range next {
			if n.Digest == d.Digest && n.Annotations[AnnotationRefName] == d.Annotations[AnnotationRefName] {
				kept = true
				break
			}
		}
		if !kept {
			rm.Entries = append(rm.Entries, d)
		}
	}
	if len(rm.Entries) > 0 {
		if err := l.writeIndex(ctx, old, next); err != nil {
			return Removed{}, err
		}
	}
	rm.Blobs, err = l.collectBlobs(next)
	if err != nil {
		return rm, fmt.Errorf("layout %s: could not remove unused blobs: %w", l.Dir, err)
	}
	return rm, nil
}

// dropOrphans returns descs without leve's referrers whose subject no
// other entry reaches; all of descs when a manifest cannot be read.
func (l Layout) dropOrphans(descs []v1.Descriptor) []v1.Descriptor {
	var others []v1.Descriptor
	subjects := map[int]string{}
	for i, d := range descs {
		if s, ok := l.leveReferrer(d); ok {
			subjects[i] = s
			continue
		}
		others = append(others, d)
	}
	if len(subjects) == 0 {
		return descs
	}
	reached := map[string]bool{}
	if !l.reach(others, reached) {
		return descs
	}
	out := descs[:0:0]
	for i, d := range descs {
		if s, ok := subjects[i]; ok && !reached[s] {
			continue
		}
		out = append(out, d)
	}
	return out
}
