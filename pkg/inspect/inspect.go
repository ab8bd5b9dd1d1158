package inspect

import (
	"context"
	"fmt"
	"runtime"
	"strings"

	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/leve-build/leve/pkg/imagefs"
	"github.com/leve-build/leve/pkg/platform"
	"github.com/leve-build/leve/pkg/pull"
)

// Schema identifies the JSON form of a Result.
const Schema = "leve.inspect/v1"

// DefaultTopPaths is how many paths with disk waste a Result lists when
// Options.TopPaths is 0.
const DefaultTopPaths = 20

// Result is what Inspect found in one image.
type Result struct {
	// Schema is Schema.
	Schema string `json:"schema"`
	// Image is the reference the image was read from.
	Image string `json:"image"`
	// Platform is the image's os/arch[/variant].
	Platform string `json:"platform"`
	// Layers describes the layers, bottom first.
	Layers []Layer `json:"layers"`
	// Totals sums the layers.
	Totals Totals `json:"totals"`
	// Waste is the image's disk and pull waste.
	Waste Waste `json:"waste"`
	// Entrypoint is the program the image runs; nil when the config names
	// none.
	Entrypoint *Entrypoint `json:"entrypoint,omitempty"`
	// Slim is what leve would ship instead; nil unless Options.Slim is set
	// and succeeded.
	Slim *Slim `json:"slim,omitempty"`
	// SlimError says why Options.Slim could not slim the image.
	SlimError string `json:"slimError,omitempty"`
	// Findings lists the problems found in the layers' entries.
	Findings []string `json:"findings,omitempty"`
}

// Layer describes one layer.
type Layer struct {
	// Index is the layer's position, from 0 at the bottom.
	Index int `json:"index"`
	// Digest is the blob's digest as the source holds it; empty when the
	// source holds the layer uncompressed and names it by diff_id only.
	Digest string `json:"digest,omitempty"`
	// DiffID is the digest of the uncompressed content.
	DiffID string `json:"diffId"`
	// MediaType is the blob's media type.
	MediaType string `json:"mediaType"`
	// CreatedBy is the history's command that made the layer.
	CreatedBy string `json:"createdBy,omitempty"`
	// Size is the uncompressed tar's size in bytes.
	Size int64 `json:"size"`
	// ContentBytes is the sum of its entries' content sizes.
	ContentBytes int64 `json:"contentBytes"`
	// CompressedSize is the blob's size, or its estimate when Estimated.
	CompressedSize int64 `json:"compressedSize"`
	// Estimated says CompressedSize is pull.Estimator's estimate of a
	// gzip at pull.EstimateLevel, the source holding no compressed blob.
	Estimated bool `json:"estimated"`
	// RepeatOf is the index of an earlier layer with the same blob, which
	// a pull fetches once; -1 when there is none.
	RepeatOf int `json:"repeatOf"`
	// Added, Changed and Removed count the paths the layer adds, stores
	// again, and deletes (whiteouts and opaque directories applied).
	Added   int `json:"added"`
	Changed int `json:"changed"`
	Removed int `json:"removed"`
	// DiskWaste is the content bytes of this layer the final tree does not
	// show.
	DiskWaste int64 `json:"diskWaste"`
	// PullWaste is the compressed bytes a pull fetches for this layer's
	// hidden content; 0 for a repeated blob.
	PullWaste int64 `json:"pullWaste"`
}

// Totals sums an image's layers.
type Totals struct {
	// Layers is the number of layers.
	Layers int `json:"layers"`
	// Size is the sum of the layers' uncompressed sizes (what a disk stores).
	Size int64 `json:"size"`
	// PullSize is the sum of the compressed sizes of the blobs a pull
	// fetches, each once.
	PullSize int64 `json:"pullSize"`
	// Estimated says PullSize includes estimates.
	Estimated bool `json:"estimated"`
	// Files is the number of regular files of the final tree.
	Files int `json:"files"`
	// ContentBytes is the content size of the final tree's regular files.
	ContentBytes int64 `json:"contentBytes"`
}

// Waste is an image's waste, as pkg/imagefs defines it.
type Waste struct {
	// StoredBytes is the content bytes of all layers, repeats included.
	StoredBytes int64 `json:"storedBytes"`
	// DiskBytes is the content bytes stored that the final tree does not
	// show.
	DiskBytes int64 `json:"diskBytes"`
	// PullBytes is the compressed bytes a pull fetches for content that
	// no layer using the blob shows.
	PullBytes int64 `json:"pullBytes"`
	// PullBytesUncompressed is PullBytes before compression.
	PullBytesUncompressed int64 `json:"pullBytesUncompressed"`
	// Efficiency is 1 − DiskBytes/StoredBytes, 1 when nothing is stored.
	Efficiency float64 `json:"efficiency"`
	// Paths lists the paths with the most disk waste, largest first.
	Paths []PathWaste `json:"paths,omitempty"`
}

// PathWaste is the disk waste of one path.
type PathWaste struct {
	Path   string `json:"path"`
	Bytes  int64  `json:"bytes"`
	Copies int    `json:"copies"`
}

// Slim is what leve would ship instead of the image.
type Slim struct {
	// PullSize and DiskSize are the slimmed image's compressed and
	// uncompressed layer bytes.
	PullSize int64 `json:"pullSize"`
	DiskSize int64 `json:"diskSize"`
	// Digest is the slimmed image's manifest digest.
	Digest string `json:"digest,omitempty"`
}

// SlimFunc computes the slimmed image of img, read from ref for platform
// ("os/arch[/variant]"), by slimming it; Inspect calls it when set.
type SlimFunc func(ctx context.Context, ref, platform string, img v1.Image) (*Slim, error)

// Options configure Inspect.
type Options struct {
	// Platform picks the image of an index; nil picks the only platform,
	// or the host's when the image offers several.
	Platform *v1.Platform
	// TopPaths bounds Waste.Paths (DefaultTopPaths when 0, all when < 0).
	TopPaths int
	// MaxBinaryBytes bounds the entrypoint's size leve analyses
	// (DefaultMaxBinaryBytes when 0).
	MaxBinaryBytes int64
	// TempDir is where the entrypoint is copied to be analysed (the
	// system's temporary directory when empty).
	TempDir string
	// FS options, such as limits, passed to imagefs.Read (after Inspect's
	// own: file digests and change lists off, one layer per CPU at once, and a stream tee
	// measuring the compressed size estimates, which they may not replace).
	FS []imagefs.Option
	// Slim, when set, fills Result.Slim.
	Slim SlimFunc
	// Treemap makes the analysis of a Go entrypoint attribute its bytes
	// (GoBinary.Report, which the HTML treemap draws); without it the
	// analysis is exe.File.Summary's, a fraction of the time and memory.
	Treemap bool
}

// Inspect picks the image of o.Platform from src and inspects it.
func Inspect(ctx context.Context, src *pull.Source, o Options) (*Result, error) {
	if src == nil {
		return nil, fmt.Errorf("inspecting scratch: it has no layers and no config; name an image")
	}
	img, err := pick(src, o.Platform)
	if err != nil {
		return nil, err
	}
	return Image(ctx, src.Ref, img, o)
}

func pick(src *pull.Source, p *v1.Platform) (v1.Image, error) {
	if p != nil {
		return src.Image(p.OS, p.Architecture, p.Variant)
	}
	ps, err := src.Platforms()
	if err != nil {
		return nil, err
	}
	if len(ps) == 0 {
		return nil, fmt.Errorf("%s offers no Linux image", src.Ref)
	}
	c := ps[0]
	for _, q := range ps {
		if q.OS == "linux" && q.Architecture == runtime.GOARCH {
			c = q
			break
		}
	}
	return src.Image(c.OS, c.Architecture, c.Variant)
}

// Image inspects img, read from ref.
func Image(ctx context.Context, ref string, img v1.Image, o Options) (*Result, error) {
	cf, err := img.ConfigFile()
	if err != nil {
		return nil, fmt.Errorf("inspecting %s: reading its config: %w", ref, err)
	}
	infos, fsys, err := readLayers(ctx, img, &cf.Config, o.FS)
	if err != nil {
		return nil, fmt.Errorf("inspecting %s: %w", ref, err)
	}
	r := &Result{Schema: Schema, Image: ref, Platform: platformOf(cf), Layers: []Layer{}}
	fl := fsys.Layers()
	for i, li := range infos {
		l := Layer{
			Index: i, DiffID: li.DiffID.String(), MediaType: string(li.MediaType), CreatedBy: li.CreatedBy,
			Size: li.Size, ContentBytes: fl[i].ContentBytes, CompressedSize: li.CompressedSize, Estimated: li.Estimated, RepeatOf: li.RepeatOf,
			DiskWaste: fl[i].WastedBytes, PullWaste: fl[i].PullWaste(li.CompressedSize),
		}
		if li.Digest != (v1.Hash{}) {
			l.Digest = li.Digest.String()
		}
		l.Added, l.Changed, l.Removed = fl[i].Added, fl[i].Changed, fl[i].Removed
		r.Layers = append(r.Layers, l)
		r.Totals.Size += li.Size
		if li.RepeatOf < 0 {
			r.Totals.PullSize += li.CompressedSize
			r.Totals.Estimated = r.Totals.Estimated || li.Estimated
		}
		r.Waste.PullBytes += l.PullWaste
	}
	r.Totals.Layers = len(r.Layers)
	r.Totals.Files, r.Totals.ContentBytes = fsys.Files()
	w := fsys.Waste()
	r.Waste.StoredBytes, r.Waste.DiskBytes, r.Waste.PullBytesUncompressed = w.StoredBytes, w.DiskBytes, w.PullBytes
	r.Waste.Efficiency = w.Efficiency()
	top := o.TopPaths
	if top == 0 {
		top = DefaultTopPaths
	}
	for i, p := range w.Paths {
		if top > 0 && i >= top {
			break
		}
		r.Waste.Paths = append(r.Waste.Paths, PathWaste{Path: "/" + p.Path, Bytes: p.Bytes, Copies: p.Copies})
	}
	for _, f := range fsys.Findings() {
		r.Findings = append(r.Findings, f.String())
	}
	r.Entrypoint = entrypoint(ctx, fsys, &cf.Config, o)
	if o.Slim != nil {
		s, err := o.Slim(ctx, ref, r.Platform, img)
		if err != nil {
			r.SlimError = err.Error()
		} else {
			r.Slim = s
		}
	}
	return r, nil
}

// platformOf names the platform of an image config, "" for none.
func platformOf(cf *v1.ConfigFile) string {
	return strings.Trim(platform.FromOCI(platform.Of(cf)).String(), "/")
}
