// Package store is leve's local image store: the OCI image layouts under
// one directory (by default ./leve-out), one layout per image name at
// DIR/NAME, each tag an entry of that layout's index.json. It lists the
// images, finds one by NAME[:TAG] and removes them, taking each layout's
// lock (see publish.LockFile) for every change.
package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/leve-build/leve/pkg/publish"
)

// DefaultDir is where leve build writes an image when no other output is
// named, and where bare names are looked up: ./leve-out, relative to the
// directory leve runs in.
const DefaultDir = "leve-out"

// ErrNotFound is wrapped by the errors about a name the store does not
// hold.
var ErrNotFound = errors.New("no such image in the local store")

// Store is the directory of layouts.
type Store struct {
	// Dir is the store's directory; "" means DefaultDir.
	Dir string
}

func (s Store) dir() string {
	if s.Dir == "" {
		return DefaultDir
	}
	return s.Dir
}

// Image is one tagged entry of a layout of the store.
type Image struct {
	// Repository is the image name: the layout's path under the store.
	Repository string `json:"repository"`
	// Tag is the entry's tag.
	Tag string `json:"tag"`
	// Digest is the manifest's or the index's digest.
	Digest v1.Hash `json:"digest"`
	// Created is the config's creation time; for an index, the latest of
	// its images'.
	Created time.Time `json:"created"`
	// PullSize is the bytes a pull transfers: the manifests, configs and
	// compressed layers, each blob once.
	PullSize int64 `json:"pullSize"`
	// DiskSize is the bytes the image's blob files take in the store.
	DiskSize int64 `json:"diskSize"`
	// Platforms lists an index's platforms ("linux/amd64"); one entry for
	// an image.
	Platforms []string `json:"platforms"`
	// Layout is the layout's directory.
	Layout string `json:"layout"`

	blobs map[string]int64 // the blob files it reaches, by path, with their sizes
}

// Reference returns "NAME:TAG".
func (i Image) Reference() string { return i.Repository + ":" + i.Tag }

// Listing is the images of the store and the bytes their blobs take on
// disk, each blob file counted once.
type Listing struct {
	Images    []Image `json:"images"`
	TotalDisk int64   `json:"totalDiskSize"`
}

// List returns the store's tagged images matching filter (nil: all),
// newest first, ties by reference. A missing store is empty.
func (s Store) List(filter func(Image) bool) (Listing, error) {
	var ls Listing
	root := s.dir()
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if p == root && errors.Is(err, fs.ErrNotExist) {
				return fs.SkipAll
			}
			return err
		}
		if !d.IsDir() {
			return nil
		}
		if _, err := os.Stat(filepath.Join(p, "index.json")); err != nil {
			return nil
		}
		rel, err := filepath.Rel(root, p)
		if err != nil || rel == "." {
			return fs.SkipDir
		}
		imgs, err := readLayout(p, filepath.ToSlash(rel))
		if err != nil {
			return err
		}
		for _, im := range imgs {
			if filter == nil || filter(im) {
				ls.Images = append(ls.Images, im)
			}
		}
		return fs.SkipDir
	})
	if err != nil {
		return Listing{}, fmt.Errorf("listing the store %s: %w", root, err)
	}
	slices.SortStableFunc(ls.Images, func(a, b Image) int {
		if c := b.Created.Compare(a.Created); c != 0 {
			return c
		}
		return strings.Compare(a.Reference(), b.Reference())
	})
	seen := map[string]bool{}
	for _, im := range ls.Images {
		for p, n := range im.blobs {
			if !seen[p] {
				seen[p] = true
				ls.TotalDisk += n
			}
		}
	}
	return ls, nil
}

// Find returns the layout directory and tag of NAME[:TAG] (tag "latest"
// by default) when the store holds it.
func (s Store) Find(ref string) (dir, tag string, ok bool) {
	r, err := publish.ParseRef(ref)
	if err != nil {
		return "", "", false
	}
	dir = filepath.Join(s.dir(), filepath.FromSlash(r.Name))
	b, err := os.ReadFile(filepath.Join(dir, "index.json"))
	if err != nil {
		return "", "", false
	}
	var idx v1.IndexManifest
	if json.Unmarshal(b, &idx) != nil {
		return "", "", false
	}
	for _, d := range idx.Manifests {
		if d.Annotations[publish.AnnotationRefName] == r.Tag {
			return dir, r.Tag, true
		}
	}
	return "", "", false
}

// Remove removes NAME[:TAG] from the store: its entry, leve's referrers
// of it, and the blobs no remaining entry of its layout reaches.
func (s Store) Remove(ctx context.Context, ref string) (publish.Removed, error) {
	r, err := publish.ParseRef(ref)
	if err != nil {
		return publish.Removed{}, err
	}
	if strings.Contains(r.Name, "..") || path.IsAbs(r.Name) {
		return publish.Removed{}, fmt.Errorf("removing %s: %w", ref, ErrNotFound)
	}
	dir, tag, ok := s.Find(ref)
	if !ok {
		return publish.Removed{}, fmt.Errorf("removing %s: %w (%s); leve images lists what it holds", r, ErrNotFound, s.dir())
	}
	rm, err := publish.Layout{Dir: dir}.Untag(ctx, tag)
	if errors.Is(err, publish.ErrNoTag) {
		return rm, fmt.Errorf("removing %s: %w (%s); leve images lists what it holds", r, ErrNotFound, s.dir())
	}
	return rm, err
}

// Prune removes, in every layout of the store, leve's referrers whose
// image is gone and the blobs no entry reaches.
func (s Store) Prune(ctx context.Context) (publish.Removed, error) {
	var all publish.Removed
	var dirs []string
	root := s.dir()
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if p == root && errors.Is(err, fs.ErrNotExist) {
				return fs.SkipAll
			}
			return err
		}
		if d.IsDir() && p != root {
			if _, err := os.Stat(filepath.Join(p, "index.json")); err == nil {
				dirs = append(dirs, p)
				return fs.SkipDir
			}
		}
		return nil
	})
	if err != nil {
		return all, fmt.Errorf("pruning the store %s: %w", root, err)
	}
	var errs []error
	for _, d := range dirs {
		rm, err := publish.Layout{Dir: d}.Prune(ctx)
		all.Entries = append(all.Entries, rm.Entries...)
		all.Blobs = append(all.Blobs, rm.Blobs...)
		if err != nil {
			errs = append(errs, err)
		}
	}
	return all, errors.Join(errs...)
}

// MatchReference returns a filter like docker's --filter reference=PATTERN:
// an image matches when PATTERN, a path.Match pattern, matches its name or
// its NAME:TAG.
func MatchReference(pattern string) (func(Image) bool, error) {
	if _, err := path.Match(pattern, ""); err != nil {
		return nil, &PatternError{Pattern: pattern, Err: err}
	}
	return func(im Image) bool {
		a, _ := path.Match(pattern, im.Repository)
		b, _ := path.Match(pattern, im.Reference())
		return a || b
	}, nil
}

// MatchName returns the filter of leve images NAME[:TAG]: every tag of
// NAME, or NAME:TAG alone.
func MatchName(ref string) func(Image) bool {
	n, tag := ref, ""
	if i := strings.LastIndex(ref, ":"); i > strings.LastIndex(ref, "/") {
		n, tag = ref[:i], ref[i+1:]
	}
	return func(im Image) bool { return im.Repository == n && (tag == "" || im.Tag == tag) }
}

// A PatternError is a reference pattern path.Match cannot read.
type PatternError struct {
	Pattern string
	Err     error
}

func (e *PatternError) Error() string { return e.Message("reference pattern " + e.Pattern) }

// Message words the error for the pattern as the user gave it, named.
func (e *PatternError) Message(named string) string {
	return fmt.Sprintf("%s: %v; use a pattern such as app-* or app:1.*", named, e.Err)
}

// Unwrap returns path.Match's error.
func (e *PatternError) Unwrap() error { return e.Err }
