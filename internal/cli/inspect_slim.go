package cli

import (
	"context"
	"errors"

	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/leve-build/leve/pkg/inspect"
	"github.com/leve-build/leve/pkg/pipeline"
	"github.com/leve-build/leve/pkg/platform"
	"github.com/leve-build/leve/pkg/regopts"
)

// slimForInspect returns the hook that gives leve inspect "what leve would
// ship instead": it slims the image as leve slim does, shipping nowhere,
// and reports the slimmed image's pull and uncompressed layer sizes.
func slimForInspect(reg regopts.Options) inspect.SlimFunc {
	return func(ctx context.Context, ref, plat string, _ v1.Image) (*inspect.Slim, error) {
		p, err := platform.Parse(plat)
		if err != nil {
			return nil, err
		}
		rep, _, err := pipeline.Slim(ctx, pipeline.SlimOptions{Image: ref, Platform: p, Registry: reg, CacheDir: cacheDir()})
		if err != nil {
			return nil, err
		}
		if rep.Image == nil || len(rep.Image.Images) == 0 {
			return nil, errors.New("slim made no image")
		}
		s := &inspect.Slim{PullSize: rep.Image.PullSize, Digest: rep.Image.Images[0].Digest}
		for _, l := range rep.Image.Images[0].Layers {
			s.DiskSize += l.UncompressedSize
		}
		return s, nil
	}
}
