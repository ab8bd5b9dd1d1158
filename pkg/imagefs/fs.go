package imagefs

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"strings"
	"sync"
	"sync/atomic"

	v1 "github.com/google/go-containerregistry/pkg/v1"
)

// FS is an image's merged file tree with every layer's entries, changes
// and waste. It holds metadata only; Open streams a file's layer again.
type FS struct {
	src      []v1.Layer
	layers   []*Layer
	root     *node
	waste    Waste
	findings []Finding
	cfg      config
}

// Read reads every layer of img (see ReadLayers).
func Read(ctx context.Context, img v1.Image, opts ...Option) (*FS, error) {
	ls, err := img.Layers()
	if err != nil {
		return nil, fmt.Errorf("reading the image's layers: %w", err)
	}
	return ReadLayers(ctx, ls, opts...)
}

// ReadLayers streams each layer's uncompressed bytes once, verifies them
// against the layer's diff_id, and merges them into one tree, bottom
// first. Memory is O(entries): see the package doc.
func ReadLayers(ctx context.Context, layers []v1.Layer, opts ...Option) (*FS, error) {
	f := &FS{src: layers, root: newDir("."), cfg: newConfig(opts)}
	// Each layer is merged as soon as it and those below it are read,
	// while the layers above are still being read.
	merge := func(l *Layer) {
		f.findings = append(f.findings, l.Findings...)
		hf := applyLayer(f.root, l, !f.cfg.noChangeLists)
		l.Findings = append(l.Findings, hf...)
		f.findings = append(f.findings, hf...)
		f.layers = append(f.layers, l)
	}
	if _, err := readAll(ctx, layers, &f.cfg, merge); err != nil {
		return nil, err
	}
	f.waste = account(f.root, f.layers)
	return f, nil
}

// readAll reads the layers, cfg.concurrency at a time, lowest index
// first, and calls each (when not nil) for every layer in index order,
// on the calling goroutine, as soon as it and the layers below it are
// read. Its error is that of the lowest layer that failed for a reason
// of its own, not because another layer's failure stopped it.
func readAll(parent context.Context, layers []v1.Layer, cfg *config, each func(*Layer)) ([]*Layer, error) {
	b := &budget{cfg: cfg}
	out := make([]*Layer, len(layers))
	errs := make([]error, len(layers))
	read := make([]chan struct{}, len(layers)) // closed once out[i] and errs[i] are set
	for i := range read {
		read[i] = make(chan struct{})
	}
	ctx, stop := context.WithCancel(parent)
	defer stop()
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(cfg.concurrency, len(layers)) {
		wg.Go(func() {
			for i := int(next.Add(1) - 1); i < len(layers) && ctx.Err() == nil; i = int(next.Add(1) - 1) {
				if out[i], errs[i] = readTee(ctx, layers[i], i, b, cfg.tee); errs[i] != nil {
					stop()
				}
				close(read[i])
			}
		})
	}
	finished := make(chan struct{})
	go func() { wg.Wait(); close(finished) }()
	for i := range layers {
		select {
		case <-read[i]:
		case <-finished:
		}
		if out[i] == nil {
			break // failed, or not read: the error is chosen below
		}
		if each != nil {
			each(out[i])
		}
	}
	<-finished
	for _, err := range errs {
		// With parent live, a cancellation is stop's: another layer failed.
		if err != nil && (parent.Err() != nil || !errors.Is(err, context.Canceled)) {
			return nil, err
		}
	}
	for i, l := range out {
		if l == nil {
			if err := parent.Err(); err != nil {
				return nil, err
			}
			return nil, fmt.Errorf("layer %d: not read", i)
		}
	}
	return out, nil
}

func readOne(ctx context.Context, src v1.Layer, i int, b *budget) (*Layer, error) {
	return readTee(ctx, src, i, b, nil)
}

// readTee reads layer i, writing its stream to tee(i) when tee is set.
func readTee(ctx context.Context, src v1.Layer, i int, b *budget, tee func(int) io.WriteCloser) (_ *Layer, err error) {
	want, err := src.DiffID()
	if err != nil {
		return nil, fmt.Errorf("reading layer %d's diff_id: %w", i, err)
	}
	rc, err := src.Uncompressed()
	if err != nil {
		return nil, fmt.Errorf("opening layer %d (%s): %w", i, want, err)
	}
	defer rc.Close()
	var w io.WriteCloser
	if tee != nil {
		w = tee(i)
	}
	var verified v1.Hash
	if selfVerifying(src) {
		verified = want
	}
	l, err := scanStream(ctx, rc, i, b, nil, w, verified)
	if w != nil {
		if cerr := w.Close(); err == nil && cerr != nil {
			err = fmt.Errorf("layer %d: %w", i, cerr)
		}
	}
	if err != nil {
		return nil, err
	}
	if want != l.DiffID {
		return nil, fmt.Errorf("layer %d: read %s, want %s: %w", i, l.DiffID, want, ErrDiffIDMismatch)
	}
	return l, nil
}

// Layers returns the layers, bottom first, with their changes and waste.
func (f *FS) Layers() []*Layer { return f.layers }

// Waste returns the image's disk and pull waste.
func (f *FS) Waste() Waste { return f.waste }

// Findings returns every layer's findings, bottom layer first.
func (f *FS) Findings() []Finding { return f.findings }

// Lstat returns the entry at p in the final tree, not following a
// symlink in the last component (parents are resolved inside the root).
// The Entry's Path is where it was found, root-relative.
// A hard link's Entry has its target's mode, owners, size and digest.
func (f *FS) Lstat(p string) (Entry, error) { return f.stat("lstat", p, false) }

// Stat is Lstat following symlinks, inside the root, to the end.
func (f *FS) Stat(p string) (Entry, error) { return f.stat("stat", p, true) }

func (f *FS) stat(op, p string, follow bool) (Entry, error) {
	n, r, err := f.node(op, p, follow)
	if err != nil {
		return Entry{}, err
	}
	e := f.entryOf(n)
	e.Path = r
	return e, nil
}

// entryOf is the Entry of node n: a hard link's has its target's digest.
func (f *FS) entryOf(n *node) Entry {
	var d v1.Hash
	if n.ref != noCopy {
		d = f.layers[n.ref.layer].digestOf(int(n.ref.index))
	}
	return n.e.entry(d)
}

func (f *FS) node(op, p string, follow bool) (*node, string, error) {
	r, err := f.resolve(p, follow)
	if err != nil {
		return nil, "", &fs.PathError{Op: op, Path: p, Err: err}
	}
	n := lookup(f.root, r)
	if n == nil {
		return nil, "", &fs.PathError{Op: op, Path: p, Err: fs.ErrNotExist}
	}
	return n, r, nil
}

// Resolve returns p with every symlink followed inside the image root
// ("/lib64/ld-linux-x86-64.so.2" → "lib/x86_64-linux-gnu/ld-linux-x86-64.so.2"),
// root-relative. The result may not exist; Stat it to know.
func (f *FS) Resolve(p string) (string, error) {
	r, err := f.resolve(p, true)
	if err != nil {
		return "", &fs.PathError{Op: "resolve", Path: p, Err: err}
	}
	return r, nil
}

func (f *FS) resolve(p string, follow bool) (string, error) {
	return resolveIn(p, follow, treeLinks(f.root))
}

// LookPath finds an executable as a shell would: a name with a slash is
// resolved against dir (the working directory), a bare name is searched
// in the colon-separated pathEnv. It returns the resolved root-relative
// path of a regular file with an execute bit.
func (f *FS) LookPath(name, pathEnv, dir string) (string, error) {
	try := func(p string) (string, bool) {
		r, err := f.Resolve(p)
		if err != nil {
			return "", false
		}
		n := lookup(f.root, r)
		if n == nil || (n.e.Type != TypeFile && n.e.Type != TypeHardlink) || n.e.Mode.Perm()&0o111 == 0 {
			return "", false
		}
		return r, true
	}
	if strings.Contains(name, "/") {
		if !strings.HasPrefix(name, "/") {
			name = path.Join("/", dir, name)
		}
		if r, ok := try(name); ok {
			return r, nil
		}
		return "", &fs.PathError{Op: "lookpath", Path: name, Err: fs.ErrNotExist}
	}
	for _, d := range strings.Split(pathEnv, ":") {
		if d == "" {
			d = dir
		}
		if r, ok := try(path.Join("/", d, name)); ok {
			return r, nil
		}
	}
	return "", &fs.PathError{Op: "lookpath", Path: name, Err: fs.ErrNotExist}
}

// Walk calls fn for every path of the final tree in lexical order, the
// root (".") first. An error from fn stops the walk and is returned.
func (f *FS) Walk(fn func(e Entry) error) error {
	return walkTree(f.root, ".", func(p string, n *node) error {
		e := f.entryOf(n)
		e.Path = p
		return fn(e)
	})
}

// Files returns the number of regular files of the final tree (hard
// links not counted) and the sum of their sizes: what Walk would count,
// without naming every path.
func (f *FS) Files() (n int, bytes int64) {
	eachNode(f.root, func(k *node) {
		if k.e.Type == TypeFile {
			n++
			bytes += k.e.Size
		}
	})
	return n, bytes
}

// UpTo returns the image as it stands after its first n layers: the
// merged tree, changes and waste of layers [0, n), as if the image ended
// there. It reads nothing; its Open and Extract stream those layers.
func (f *FS) UpTo(n int) (*FS, error) {
	if n < 0 || n > len(f.layers) {
		return nil, fmt.Errorf("merging the first %d layers of %d: %w", n, len(f.layers), ErrNoSuchLayer)
	}
	g := &FS{src: f.src[:n], root: newDir("."), cfg: f.cfg}
	for _, l := range f.layers[:n] {
		c := *l
		c.recs = l.recs.clone() // merging marks entries: the copy's, not l's
		c.Findings = append([]Finding(nil), l.Findings...)
		c.Changes = nil
		// Its hard links and loops were decided by the lower layers alone:
		// the entries they skipped stay skipped, without new findings.
		applyLayer(g.root, &c, !g.cfg.noChangeLists)
		g.layers = append(g.layers, &c)
		g.findings = append(g.findings, c.Findings...)
	}
	g.waste = account(g.root, g.layers)
	return g, nil
}
