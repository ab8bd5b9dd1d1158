package inspect

import (
	"context"
	"fmt"
	"io"
	"path"
	"runtime"

	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/leve-build/leve/pkg/imagefs"
	"github.com/leve-build/leve/pkg/pull"
)

// readLayers reads each layer of img once, up to one per CPU at a time,
// for every figure: the tree, the content's size checked against its
// diff_id, and, for a layer the source holds uncompressed and that no
// earlier layer repeats, the estimate of its compressed size, computed
// from the same stream. It hashes only the files named as the program
// the config c runs: waste is decided by which copy the final tree shows,
// and Open checks the program by its digest (any other file by the layer
// it streams again).
func readLayers(ctx context.Context, img v1.Image, c *v1.Config, opts []imagefs.Option) ([]pull.LayerInfo, *imagefs.FS, error) {
	infos, err := pull.Describe(img)
	if err != nil {
		return nil, nil, err
	}
	ls, err := img.Layers()
	if err != nil {
		return nil, nil, err
	}
	ests := make([]*estimate, len(infos))
	tee := func(i int) io.WriteCloser {
		if i >= len(infos) || i >= len(ls) || !infos[i].Estimated || infos[i].RepeatOf >= 0 {
			return nil
		}
		e := pull.NewEstimator()
		if n, ok := pull.ContentSize(ls[i]); ok {
			e = pull.NewEstimatorOf(n) // a layer known to be large is sampled from its start
		}
		ests[i] = &estimate{e: e}
		return ests[i]
	}
	// Only the numbers of changes are shown: no lists of them.
	all := []imagefs.Option{imagefs.WithFileDigests(false), imagefs.WithChangeLists(false), imagefs.WithConcurrency(runtime.GOMAXPROCS(0))}
	if base := programBase(c); base != "" {
		// The entrypoint is read back to be analysed: with its digest,
		// that read stops at its end.
		all = append(all, imagefs.WithFileDigestsFor(func(p string) bool { return path.Base(p) == base }))
	}
	all = append(all, opts...)
	fsys, err := imagefs.Read(ctx, img, append(all, imagefs.WithStreamTee(tee))...)
	if err != nil {
		return nil, nil, err
	}
	fl := fsys.Layers()
	if len(fl) != len(infos) {
		return nil, nil, fmt.Errorf("its manifest names %d layers but %d were read", len(infos), len(fl))
	}
	for i := range infos {
		infos[i].Size = fl[i].Size
		switch {
		case infos[i].RepeatOf >= 0:
			infos[i].CompressedSize = infos[infos[i].RepeatOf].CompressedSize
		case ests[i] != nil:
			infos[i].CompressedSize = ests[i].size
		}
	}
	return infos, fsys, nil
}

// estimate is the stream tee of one layer: it measures the layer's gzip
// and, once closed, keeps only its size.
type estimate struct {
	e    *pull.Estimator
	size int64
}

func (e *estimate) Write(p []byte) (int, error) { return e.e.Write(p) }

// Close ends the gzip and records its size.
func (e *estimate) Close() error {
	n, err := e.e.Size()
	if err != nil {
		return fmt.Errorf("estimating the compressed size: %w", err)
	}
	e.size, e.e = n, nil
	return nil
}
