package imagefs

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"

	v1 "github.com/google/go-containerregistry/pkg/v1"
)

// ExtractReport says what an extraction wrote and what it refused.
type ExtractReport struct {
	// Findings lists every problem met, in layer and tar order.
	Findings []Finding
	// Entries is the number of file system objects written.
	Entries int
	// Bytes is the number of file content bytes written.
	Bytes int64
}

// Extract writes the image's final tree into dir (created if missing),
// streaming each layer once more; opts are applied over those given to
// ReadLayers. See ExtractLayers.
func (f *FS) Extract(ctx context.Context, dir string, opts ...Option) (*ExtractReport, error) {
	cfg := f.cfg
	cfg.only = nil
	for _, o := range opts {
		o(&cfg)
	}
	return extractLayers(ctx, dir, f.src, f.layers, cfg)
}

// ExtractLayers writes layers bottom first into dir. For each layer it
// first applies the whiteouts and opaque directories to what the lower
// layers left, then writes the layer's entries in tar order, so that the
// result is the merged tree of ReadLayers; it reads each layer twice
// (FS.Extract, which knows the markers, once). Nothing is ever written
// outside dir: every path is resolved inside it (symlinks followed with
// dir as the root, ".." stopping there), files are created without
// following symlinks, and hostile entries are skipped and reported as
// findings. Owners are set only when running as root; when not,
// directories keep u+rwx so that later entries can be written.
// Modification times are not restored. On error dir holds a partial
// tree: extract into a temporary directory.
func ExtractLayers(ctx context.Context, dir string, layers []v1.Layer, opts ...Option) (*ExtractReport, error) {
	return extractLayers(ctx, dir, layers, nil, newConfig(opts))
}

// extractLayers extracts layers; metas holds their markers, or is nil
// to read them first.
func extractLayers(ctx context.Context, dir string, layers []v1.Layer, metas []*Layer, cfg config) (*ExtractReport, error) {
	x, err := newExtractor(dir, cfg)
	if err != nil {
		return nil, err
	}
	mb := &budget{cfg: &x.cfg}
	for i, src := range layers {
		var meta *Layer
		if metas != nil {
			meta = metas[i]
		} else if meta, err = readOne(ctx, src, i, mb); err != nil {
			return x.rep, err
		}
		want, err := src.DiffID()
		if err != nil {
			return x.rep, fmt.Errorf("reading layer %d's diff_id: %w", i, err)
		}
		x.layerNo = i
		if err := x.markers(meta); err != nil {
			return x.rep, err
		}
		rc, err := src.Uncompressed()
		if err != nil {
			return x.rep, fmt.Errorf("opening layer %d (%s): %w", i, want, err)
		}
		var verified v1.Hash
		if selfVerifying(src) {
			verified = want
		}
		got, err := x.layer(ctx, rc, i, verified)
		err = errors.Join(err, rc.Close())
		if err != nil {
			return x.rep, err
		}
		if got != want {
			return x.rep, fmt.Errorf("layer %d: read %s, want %s: %w", i, got, want, ErrDiffIDMismatch)
		}
	}
	return x.rep, nil
}

// extractor writes layers into root, which it owns.
type extractor struct {
	root    string
	cfg     config
	b       *budget
	rep     *ExtractReport
	euid    int
	layerNo int
}

func newExtractor(dir string, cfg config) (*extractor, error) {
	root, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("extracting into %s: %w", dir, err)
	}
	if err := os.MkdirAll(root, 0o755); err != nil {
		return nil, fmt.Errorf("extracting into %s: %w", dir, err)
	}
	if root, err = filepath.EvalSymlinks(root); err != nil {
		return nil, fmt.Errorf("extracting into %s: %w", dir, err)
	}
	x := &extractor{root: root, cfg: cfg, rep: &ExtractReport{}, euid: os.Geteuid()}
	x.b = &budget{cfg: &x.cfg}
	return x, nil
}

// layer writes the entries of one uncompressed layer stream (its markers
// are applied already) and returns its diff_id; verified is scanStream's.
func (x *extractor) layer(ctx context.Context, r io.Reader, index int, verified v1.Hash) (v1.Hash, error) {
	l, err := scanStream(ctx, r, index, x.b, x.entry, nil, verified)
	if err != nil {
		return v1.Hash{}, err
	}
	x.rep.Findings = append(x.rep.Findings, l.Findings...)
	return l.DiffID, nil
}

func (x *extractor) find(k FindingKind, p, detail string) {
	x.rep.Findings = append(x.rep.Findings, Finding{Layer: x.layerNo, Path: p, Kind: k, Detail: detail})
}

func (x *extractor) selected(e *Entry) bool {
	if len(x.cfg.only) == 0 {
		return true
	}
	for _, s := range x.cfg.only {
		if under(e.Path, s) || ((e.Type == TypeDir || e.Type == TypeSymlink) && under(s, e.Path)) {
			return true
		}
	}
	return false
}

func (x *extractor) abs(rel string) string { return filepath.Join(x.root, filepath.FromSlash(rel)) }

// resolve resolves rel inside the root on disk.
func (x *extractor) resolve(rel string, followLast bool) (string, error) {
	return resolveIn(rel, followLast, func(q string) (string, bool, error) {
		fi, err := os.Lstat(x.abs(q))
		if err != nil || fi.Mode()&fs.ModeSymlink == 0 {
			return "", false, nil
		}
		t, err := os.Readlink(x.abs(q))
		return t, err == nil, err
	})
}

// mkdirs resolves the directory rel inside the root and creates what is
// missing, replacing non-directories in the way. It returns the resolved path.
func (x *extractor) mkdirs(rel string) (string, error) {
	r, err := x.resolve(rel, true)
	if err != nil {
		return "", fmt.Errorf("resolving %s: %w", rel, err)
	}
	cur := "."
	for _, c := range splitRel(r) {
		cur = path.Join(cur, c)
		fi, err := os.Lstat(x.abs(cur))
		switch {
		case err == nil && fi.IsDir():
			continue
		case err == nil:
			if err := os.Remove(x.abs(cur)); err != nil {
				return "", err
			}
		case !errors.Is(err, fs.ErrNotExist):
			return "", err
		}
		if err := os.Mkdir(x.abs(cur), 0o755); err != nil {
			return "", err
		}
	}
	return r, nil
}

func splitRel(p string) []string {
	if p == "." {
		return nil
	}
	var out []string
	for p != "." {
		out = append([]string{path.Base(p)}, out...)
		p = parentOf(p)
	}
	return out
}
