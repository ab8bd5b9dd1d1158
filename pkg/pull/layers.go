package pull

import (
	"context"
	"fmt"
	"io"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/types"
)

// LayerInfo describes one layer of an image as its source holds it.
type LayerInfo struct {
	// MediaType is the media type of the layer's blob.
	MediaType types.MediaType
	// Digest is the digest of the layer's compressed blob as the source
	// holds it; zero when the source holds it uncompressed (a legacy
	// docker save, docker:), where only the diff_id names it. For a
	// blob stored uncompressed in an OCI layout (Docker ≥ 25's docker
	// save) it is the blob's digest, which equals the diff_id.
	Digest v1.Hash
	// DiffID is the digest of the layer's content, as the config names it.
	DiffID v1.Hash
	// Size is the content's size in bytes (the uncompressed tar).
	Size int64
	// CompressedSize is the compressed blob's size in bytes, or, when
	// Estimated, an Estimator's estimate of the size of its gzip at
	// EstimateLevel, docker push's: exact up to EstimateExactBytes.
	CompressedSize int64
	// Estimated says the source holds no compressed blob of the layer,
	// and CompressedSize is an estimate.
	Estimated bool
	// CreatedBy is the history's created_by of the layer; empty_layer
	// entries are skipped, so it is the command that made this layer.
	CreatedBy string
	// RepeatOf is the index of the first earlier layer with the same
	// blob (Digest, or DiffID when Digest is zero), which a pull fetches
	// once; -1 when there is none.
	RepeatOf int
}

// uncompressedBlob reports whether mt is a layer stored uncompressed.
func uncompressedBlob(mt types.MediaType) bool {
	switch mt {
	case types.DockerUncompressedLayer, types.OCIUncompressedLayer, types.OCIUncompressedRestrictedLayer, "application/x-tar", "application/tar":
		return true
	}
	return false
}

// Layers describes img's layers, bottom up. It reads every layer once,
// streaming and checked against its diff_id, to measure its content and,
// for a layer without a compressed blob, to estimate that (gzip at
// EstimateLevel, as it streams); a layer that repeats an earlier one is
// not read again. It stops when ctx is done.
func Layers(ctx context.Context, img v1.Image) ([]LayerInfo, error) {
	out, err := Describe(img)
	if err != nil {
		return nil, err
	}
	ls, err := img.Layers()
	if err != nil {
		return nil, err
	}
	for n, l := range ls {
		if f := out[n].RepeatOf; f >= 0 {
			out[n].Size, out[n].CompressedSize = out[f].Size, out[f].CompressedSize
			continue
		}
		if err := measure(ctx, l, &out[n]); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// Describe describes img's layers as Layers does without reading them:
// Size is 0, and so is CompressedSize when Estimated. A caller that reads
// the layers itself fills them: Size with the content's length and, for a
// layer that is Estimated and not a repeat, CompressedSize with an
// Estimator's Size of the content.
func Describe(img v1.Image) ([]LayerInfo, error) {
	cf, err := img.ConfigFile()
	if err != nil {
		return nil, err
	}
	ls, err := img.Layers()
	if err != nil {
		return nil, err
	}
	var created []string
	for _, h := range cf.History {
		if !h.EmptyLayer {
			created = append(created, h.CreatedBy)
		}
	}
	out := make([]LayerInfo, len(ls))
	seen := map[v1.Hash]int{}
	for n, l := range ls {
		info := LayerInfo{RepeatOf: -1}
		if info.DiffID, err = l.DiffID(); err != nil {
			return nil, err
		}
		if len(created) == len(ls) {
			info.CreatedBy = created[n]
		}
		if al, ok := l.(*archiveLayer); ok && !al.stored {
			info.MediaType, info.Estimated = types.DockerUncompressedLayer, true
		} else {
			if info.MediaType, err = l.MediaType(); err != nil {
				return nil, err
			}
			if info.Digest, err = l.Digest(); err != nil {
				return nil, err
			}
			info.Estimated = uncompressedBlob(info.MediaType)
			if !info.Estimated {
				if info.CompressedSize, err = l.Size(); err != nil {
					return nil, err
				}
			}
		}
		key := info.Digest
		if key == (v1.Hash{}) {
			key = info.DiffID
		}
		if first, ok := seen[key]; ok {
			info.RepeatOf = first
		} else {
			seen[key] = n
		}
		out[n] = info
	}
	return out, nil
}

// ContentSize returns the length of l's uncompressed content when its
// source knows it without reading it: a layer file a docker save archive
// (or docker:) holds uncompressed. ok is false for any other layer.
func ContentSize(l v1.Layer) (n int64, ok bool) {
	if al, isArchive := l.(*archiveLayer); isArchive && !al.stored {
		return al.size, true
	}
	return 0, false
}

// measure reads l's content to set info's Size and, when Estimated, its
// CompressedSize.
func measure(ctx context.Context, l v1.Layer, info *LayerInfo) error {
	rc, err := l.Uncompressed()
	if err != nil {
		return err
	}
	defer rc.Close()
	var est *Estimator
	var w io.Writer = io.Discard
	if info.Estimated {
		est = NewEstimator()
		if n, ok := ContentSize(l); ok {
			est = NewEstimatorOf(n) // as leve inspect estimates it
		}
		w = est
	}
	n, err := io.Copy(w, ctxReader{ctx, rc})
	if err != nil {
		return err // it names the image and the blob
	}
	info.Size = n
	if est != nil {
		if info.CompressedSize, err = est.Size(); err != nil {
			return fmt.Errorf("estimating the compressed size of layer %s: %w", info.DiffID, err)
		}
	}
	return nil
}

// countWriter counts what is written to it.
type countWriter struct{ n int64 }

func (c *countWriter) Write(p []byte) (int, error) {
	c.n += int64(len(p))
	return len(p), nil
}
