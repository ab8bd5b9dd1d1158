package publish

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/types"
	"github.com/leve-build/leve/internal/atomicfile"
)

// Layout writes images into an OCI image layout directory. An image
// replaces the one with the same tag; every other entry of the layout's
// index, tagged or not and whoever wrote it, stays.
//
// Writers are serialized across processes with flock(2) on the layout's
// LockFile, held for the whole Publish. The layout is updated in an order
// that keeps it valid at every step: blobs are added first (each written
// atomically under its digest; a blob already present is kept only when
// its size and digest check out), then index.json is replaced atomically,
// then blobs no entry reaches any more are removed. A failure before the
// index is replaced leaves index.json as it was and removes the blobs the
// failed Publish added.
type Layout struct {
	Dir string
}

var _ Sink = Layout{}

// Publish writes art, an image or an index with all its images, into the
// layout under ref.Tag, with the referrers of a Bundle as untagged entries.
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
	if err := l.check(); err != nil {
		return Published{}, err
	}
	unlock, err := lockDir(ctx, l.Dir)
	if err != nil {
		return Published{}, err
	}
	defer unlock()
	old, err := l.readIndex()
	if err != nil {
		return Published{}, err
	}
	added, err := l.writeBlobs(ctx, blobs)
	var next []v1.Descriptor
	if err == nil {
		next = l.nextIndex(old.Manifests, tagged(desc, ref), refDescs)
		err = l.writeIndex(ctx, old, next)
	}
	if err != nil {
		l.remove(old.Manifests, added)
		return Published{}, err
	}
	p := Published{Kind: "layout", Location: l.Dir, Digest: desc.Digest}
	// The image is published; a failed clean-up leaves only files that no
	// entry names, removed by the next Publish.
	if err := l.collect(next); err != nil {
		p.Note = fmt.Sprintf("layout %s: could not remove unused blobs: %v", l.Dir, err)
	}
	return p, nil
}

// writeIndex replaces index.json with idx listing descs (its other fields,
// such as annotations another tool wrote, stay) and writes oci-layout when
// it is missing.
func (l Layout) writeIndex(ctx context.Context, idx v1.IndexManifest, descs []v1.Descriptor) error {
	idx.Manifests = descs
	if idx.Manifests == nil {
		idx.Manifests = []v1.Descriptor{}
	}
	idx.SchemaVersion = 2
	if idx.MediaType == "" {
		idx.MediaType = types.OCIImageIndex
	}
	b, err := json.MarshalIndent(idx, "", "  ")
	if err != nil {
		return fmt.Errorf("writing layout %s: %w", l.Dir, err)
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := l.writeFileIfMissing("oci-layout", []byte(ociLayoutFileContent)); err != nil {
		return err
	}
	return atomicfile.WriteFile(filepath.Join(l.Dir, "index.json"), b, 0o644)
}

// check refuses, before anything is created, a directory that holds
// something other than an OCI layout: leve never writes into a directory
// it did not make. A missing or empty directory, one with index.json and
// one with leve's lock file (a layout another leve is creating) are fine.
func (l Layout) check() error {
	entries, err := os.ReadDir(l.Dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("reading layout %s: %w", l.Dir, err)
	}
	for _, e := range entries {
		if e.Name() == "index.json" || e.Name() == LockFile {
			return nil
		}
	}
	for _, e := range entries {
		if !strings.HasPrefix(e.Name(), atomicfile.TempPrefix) {
			return notLayout(l.Dir)
		}
	}
	return nil
}

// readIndex returns the index of the layout, an empty one when there is
// no index.json yet and the directory holds nothing but what a leve
// process that never got as far as writing one leaves (the lock file,
// oci-layout, blobs, temporary files), and an error for anything else.
// It runs with the layout locked.
func (l Layout) readIndex() (v1.IndexManifest, error) {
	b, err := os.ReadFile(filepath.Join(l.Dir, "index.json"))
	if errors.Is(err, fs.ErrNotExist) {
		entries, err := os.ReadDir(l.Dir)
		if err != nil {
			return v1.IndexManifest{}, fmt.Errorf("reading layout %s: %w", l.Dir, err)
		}
		for _, e := range entries {
			switch n := e.Name(); {
			case n == LockFile, n == "oci-layout", n == "blobs", strings.HasPrefix(n, atomicfile.TempPrefix):
			default:
				return v1.IndexManifest{}, notLayout(l.Dir)
			}
		}
		return v1.IndexManifest{}, nil
	}
	if err != nil {
		return v1.IndexManifest{}, fmt.Errorf("reading layout %s: %w", l.Dir, err)
	}
	var idx v1.IndexManifest
	if err := json.Unmarshal(b, &idx); err != nil {
		return v1.IndexManifest{}, fmt.Errorf("reading layout %s: index.json is corrupt (%v); remove the directory or choose another -o directory", l.Dir, err)
	}
	return idx, nil
}

// writeBlobs writes each blob that is missing from the layout or whose
// file there has the wrong size or digest, and returns the paths of the
// blobs it created (not those it repaired).
func (l Layout) writeBlobs(ctx context.Context, blobs []blob) (added []string, err error) {
	seen := map[v1.Hash]bool{}
	for _, b := range blobs {
		if seen[b.digest] {
			continue
		}
		seen[b.digest] = true
		if err := ctx.Err(); err != nil {
			return added, err
		}
		created, err := l.writeBlob(ctx, b)
		if created {
			added = append(added, blobPath(b.digest))
		}
		if err != nil {
			return added, err
		}
	}
	return added, nil
}

// writeBlob writes b unless the layout holds it already with the right
// size and digest; a damaged file is replaced. created says whether the
// file did not exist before.
func (l Layout) writeBlob(ctx context.Context, b blob) (created bool, err error) {
	p := filepath.Join(l.Dir, blobPath(b.digest))
	ok, err := verifyFile(ctx, p, b.digest, b.size)
	switch {
	case ok:
		return false, nil
	case errors.Is(err, fs.ErrNotExist):
		created = true
	case ctx.Err() != nil:
		return false, ctx.Err()
	}
	err = atomicfile.Write(p, 0o644, func(w io.Writer) error { return b.copyTo(ctxWriter{ctx, w}) })
	return created && err == nil, err
}

// verifyFile reports whether the file at path has size bytes whose sha256
// is d. It reads the file only when the size matches; err is the error
// opening or reading it.
func verifyFile(ctx context.Context, path string, d v1.Hash, size int64) (bool, error) {
	f, err := os.Open(path)
	if err != nil {
		return false, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return false, err
	}
	if !fi.Mode().IsRegular() || fi.Size() != size || d.Algorithm != "sha256" {
		return false, nil
	}
	h := sha256.New()
	if _, err := io.Copy(ctxWriter{ctx, h}, f); err != nil {
		return false, err
	}
	return hex.EncodeToString(h.Sum(nil)) == d.Hex, nil
}

// remove deletes the blobs at paths (relative to the layout) that no entry
// of descs reaches: what a failed Publish added.
func (l Layout) remove(descs []v1.Descriptor, paths []string) {
	if len(paths) == 0 {
		return
	}
	keep := map[string]bool{}
	if !l.reach(descs, keep) {
		return
	}
	for _, p := range paths {
		alg, hex, _ := strings.Cut(strings.TrimPrefix(p, "blobs/"), "/")
		if !keep[alg+":"+hex] {
			os.Remove(filepath.Join(l.Dir, p))
		}
	}
}

func (l Layout) writeFileIfMissing(name string, data []byte) error {
	p := filepath.Join(l.Dir, name)
	if _, err := os.Stat(p); err == nil {
		return nil
	}
	return atomicfile.WriteFile(p, data, 0o644)
}

// ctxWriter fails writes once ctx is done, so that long copies stop
// promptly when the run is interrupted.
type ctxWriter struct {
	ctx context.Context
	w   io.Writer
}

func (c ctxWriter) Write(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.w.Write(p)
}
