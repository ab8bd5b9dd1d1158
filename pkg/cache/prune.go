package cache

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/leve-build/leve/internal/atomicfile"
)

// The kinds of entries, each the name of its directory under the cache.
const (
	KindBinaries = "bin"    // linked binaries, one directory per package and flag set
	KindPacked   = "packed" // packed binaries (leve build --pack)
	KindLayers   = "layers" // compressed layers
	KindChunks   = "chunks" // parses of the chunks of compressed layers
)

// Kinds lists the kinds of entries in the order "leve cache" shows them.
var Kinds = []string{KindBinaries, KindPacked, KindLayers, KindChunks}

// TempGrace is how long a temporary file must have gone unmodified before
// Prune removes it, even with All: a younger one may be another leve
// process's entry being written.
const TempGrace = 10 * time.Minute

// KindUsage is the disk use of one kind of entry.
type KindUsage struct {
	Kind    string `json:"kind"`
	Dir     string `json:"dir"`
	Entries int    `json:"entries"`
	Bytes   int64  `json:"bytes"`
}

// Usage is the disk use of a cache directory.
type Usage struct {
	Dir   string      `json:"dir"`
	Bytes int64       `json:"bytes"`
	Kinds []KindUsage `json:"kinds"`
}

// Measure returns the disk use of the cache at dir, per kind. A missing
// directory is an empty cache.
func Measure(ctx context.Context, dir string) (Usage, error) {
	u := Usage{Dir: dir, Kinds: []KindUsage{}}
	es, err := scan(ctx, dir)
	if err != nil {
		return u, err
	}
	for _, kind := range Kinds {
		k := KindUsage{Kind: kind, Dir: filepath.Join(dir, kind)}
		for _, e := range es {
			if e.kind == kind {
				k.Entries++
				k.Bytes += e.size
			}
		}
		u.Bytes += k.Bytes
		u.Kinds = append(u.Kinds, k)
	}
	return u, nil
}

// PruneOptions say which entries Prune removes.
type PruneOptions struct {
	// OlderThan removes the entries last used longer ago than this.
	OlderThan time.Duration
	// All removes every entry (but temporary files younger than TempGrace).
	All bool
	// MaxBytes, when positive, then removes the least recently used
	// entries until the cache holds at most this many bytes.
	MaxBytes int64
	// Now is the time ages are measured from; zero means time.Now().
	Now time.Time
}

// PruneResult is what Prune did.
type PruneResult struct {
	Removed int   `json:"removed"`    // entries removed
	Freed   int64 `json:"freedBytes"` // their bytes
	Busy    int   `json:"busy"`       // entries kept because another leve process was using them
	Kept    int   `json:"kept"`       // entries left in the cache
	Bytes   int64 `json:"bytes"`      // the bytes left in the cache
}

// Prune removes entries of the cache at dir as o says, least recently
// used first. An entry's last use is the newer of its files' modification
// and access times (leve sets the modification time of the binaries and
// packed binaries it reuses). It is safe while other leve processes use
// the cache: a binary directory another process has locked is kept, and
// so is a temporary file younger than TempGrace. Only the bin, packed and
// layers directories are ever touched.
func Prune(ctx context.Context, dir string, o PruneOptions) (PruneResult, error) {
	var res PruneResult
	now := o.Now
	if now.IsZero() {
		now = time.Now()
	}
	es, err := scan(ctx, dir)
	if err != nil {
		return res, err
	}
	slices.SortStableFunc(es, func(a, b entry) int { return a.used.Compare(b.used) })
	var total int64
	for _, e := range es {
		total += e.size
	}
	var errs []error
	for _, e := range es {
		if err := ctx.Err(); err != nil {
			return res, fmt.Errorf("pruning %s: %w", dir, err)
		}
		age := now.Sub(e.used)
		want := o.All || age > o.OlderThan || (o.MaxBytes > 0 && total > o.MaxBytes)
		if e.temp {
			want = want && age > TempGrace
		}
		if !want {
			res.Kept++
			res.Bytes += e.size
			continue
		}
		removed, err := e.remove()
		switch {
		case err != nil:
			errs = append(errs, err)
			fallthrough
		case !removed:
			res.Busy++
			res.Kept++
			res.Bytes += e.size
		default:
			res.Removed++
			res.Freed += e.size
			total -= e.size
		}
	}
	if err := errors.Join(errs...); err != nil {
		return res, fmt.Errorf("pruning %s: %w", dir, err)
	}
	return res, nil
}

// entry is one removable unit of the cache: a binary directory, or a file
// with its digest sidecar.
type entry struct {
	kind  string
	path  string   // the directory (binaries) or the file
	files []string // the files to remove, for a file entry
	dir   bool
	temp  bool // a temporary file of an unfinished write
	size  int64
	used  time.Time
}

// remove removes e; removed is false when another process holds e.
func (e entry) remove() (removed bool, err error) {
	if e.dir {
		l, ok, err := TryLockDir(e.path)
		if err != nil || !ok {
			return false, err
		}
		defer l.Unlock()
		return true, os.RemoveAll(e.path)
	}
	for _, f := range e.files {
		if err := os.Remove(f); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return false, err
		}
	}
	return true, nil
}

// scan lists the entries of the cache at dir.
func scan(ctx context.Context, dir string) ([]entry, error) {
	var out []entry
	for _, kind := range Kinds {
		root := filepath.Join(dir, kind)
		if kind == KindBinaries {
			des, err := os.ReadDir(root)
			if err != nil && !errors.Is(err, fs.ErrNotExist) {
				return nil, fmt.Errorf("reading cache %s: %w", root, err)
			}
			for _, de := range des {
				if !de.IsDir() {
					continue // files are scanned below
				}
				e := entry{kind: kind, path: filepath.Join(root, de.Name()), dir: true}
				err := filepath.WalkDir(e.path, func(p string, d fs.DirEntry, err error) error {
					if err != nil || d.IsDir() {
						return err
					}
					size, used, err := stat(p)
					if err != nil {
						return err
					}
					e.size += size
					if d.Name() != LockFile && used.After(e.used) {
						e.used = used
					}
					return nil
				})
				if err != nil {
					return nil, fmt.Errorf("reading cache %s: %w", e.path, err)
				}
				out = append(out, e)
			}
		}
		files, err := scanFiles(ctx, kind, root, kind == KindBinaries)
		if err != nil {
			return nil, err
		}
		out = append(out, files...)
	}
	return out, nil
}

// scanFiles lists the file entries under root, a sidecar with the file it
// describes; with top, only the files directly in root.
func scanFiles(ctx context.Context, kind, root string, top bool) ([]entry, error) {
	byPath := map[string]*entry{}
	var order []string
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if errors.Is(err, fs.ErrNotExist) && p == root {
			return fs.SkipAll
		}
		if err != nil {
			return err
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		if d.IsDir() {
			if top && p != root {
				return fs.SkipDir
			}
			return nil
		}
		if !d.Type().IsRegular() {
			return nil
		}
		size, used, err := stat(p)
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return nil // removed meanwhile
			}
			return err
		}
		key := strings.TrimSuffix(p, DigestSuffix)
		e, ok := byPath[key]
		if !ok {
			e = &entry{kind: kind, path: key, temp: strings.HasPrefix(d.Name(), atomicfile.TempPrefix)}
			byPath[key] = e
			order = append(order, key)
		}
		e.files = append(e.files, p)
		e.size += size
		if used.After(e.used) {
			e.used = used
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("reading cache %s: %w", root, err)
	}
	out := make([]entry, 0, len(order))
	for _, k := range order {
		out = append(out, *byPath[k])
	}
	return out, nil
}

// stat returns the size of the file at p and its last use: the newer of
// its modification and access times.
func stat(p string) (int64, time.Time, error) {
	fi, err := os.Lstat(p)
	if err != nil {
		return 0, time.Time{}, err
	}
	used := fi.ModTime()
	if at, ok := accessTime(fi); ok && at.After(used) {
		used = at
	}
	return fi.Size(), used, nil
}
