package assemble

import (
	"fmt"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/types"
)

// DefaultPath is the PATH of leve images: the usual directories, then /app.
const DefaultPath = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin:/app"

// Config is what an image's config and manifest say beside its layers.
type Config struct {
	OS, Architecture, Variant string
	Entrypoint                []string
	Cmd                       []string
	WorkingDir                string
	User                      string
	Env                       []string
	Labels                    map[string]string
	ExposedPorts              []string // "8080/tcp"
	// Created is the image's creation time, also used for every history
	// entry. It never comes from the wall clock.
	Created time.Time
	// Annotations go on the manifest (org.opencontainers.image.*).
	Annotations map[string]string
}

// Image returns an OCI image made of layers on base (nil for scratch),
// with cfg as its config: the base's layers are reused by digest, its
// history kept, and one history entry added per layer. Nothing depends on
// the time or place of the build. On a Docker-format base the image stays
// in Docker format, its new layers with Docker media types.
func Image(base v1.Image, layers []*Layer, cfg Config) (v1.Image, error) {
	img := mutate.MediaType(empty.Image, types.OCIManifestSchema1)
	img = mutate.ConfigMediaType(img, types.OCIConfigJSON)
	cf := &v1.ConfigFile{RootFS: v1.RootFS{Type: "layers"}}
	layerType := types.MediaType("")
	if base != nil {
		img = base
		bcf, err := base.ConfigFile()
		if err != nil {
			return nil, fmt.Errorf("reading base config: %w", err)
		}
		cf = bcf.DeepCopy()
		if mt, err := base.MediaType(); err == nil && mt == types.DockerManifestSchema2 {
			layerType = types.DockerLayer
		}
	}
	created := v1.Time{Time: cfg.Created.UTC()}
	cf.Architecture, cf.OS, cf.Variant = cfg.Architecture, cfg.OS, cfg.Variant
	cf.Created = created
	cf.Config.Entrypoint = cfg.Entrypoint
	cf.Config.Cmd = cfg.Cmd
	cf.Config.WorkingDir = cfg.WorkingDir
	cf.Config.User = cfg.User
	cf.Config.Env = cfg.Env
	cf.Config.Labels = cfg.Labels
	cf.Config.ExposedPorts = nil
	if len(cfg.ExposedPorts) > 0 {
		cf.Config.ExposedPorts = map[string]struct{}{}
		for _, p := range cfg.ExposedPorts {
			cf.Config.ExposedPorts[p] = struct{}{}
		}
	}
	adds := make([]mutate.Addendum, 0, len(layers))
	for _, l := range layers {
		mt := l.mediaType
		if layerType != "" && mt == types.OCILayer {
			mt = layerType
		}
		cf.RootFS.DiffIDs = append(cf.RootFS.DiffIDs, l.diffID)
		cf.History = append(cf.History, v1.History{Created: created, CreatedBy: l.CreatedBy, Comment: "leve"})
		adds = append(adds, mutate.Addendum{Layer: l, MediaType: mt})
	}
	img, err := mutate.Append(img, adds...)
	if err != nil {
		return nil, fmt.Errorf("assembling image: %w", err)
	}
	img, err = mutate.ConfigFile(img, cf)
	if err != nil {
		return nil, fmt.Errorf("assembling image config: %w", err)
	}
	if len(cfg.Annotations) > 0 {
		img = mutate.Annotations(img, cfg.Annotations).(v1.Image)
	}
	return img, nil
}
