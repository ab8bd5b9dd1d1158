package pipeline

import (
	"context"
	"fmt"
	"io/fs"
	"maps"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/leve-build/leve/internal/span"
	"github.com/leve-build/leve/pkg/assemble"
)

func (b *builder) pack(ctx context.Context) (string, error) {
	var cache *assemble.Cache
	if b.o.CacheDir != "" {
		cache = assemble.NewCache(b.o.CacheDir)
	}
	b.files = []FileReport{}
	comp := assemble.ChooseCompressor(b.o.Layers.Compression, b.o.Layers.Level)
	sysFiles, err := assemble.SystemFilesOn(b.base)
	if err != nil {
		return "", fmt.Errorf("packaging: %w", err)
	}
	sysDesc := "leve: /etc/passwd, /etc/group (root, nonroot 65532), /home/nonroot, /tmp"
	if b.o.Files.Passwd == FileNone {
		sysFiles = slices.DeleteFunc(sysFiles, func(e assemble.Entry) bool { return e.Path == "/etc/passwd" || e.Path == "/etc/group" })
		sysDesc = "leve: /home/nonroot, /tmp"
	}
	// Layers live in files in the build's temporary directory, which Build
	// removes after the sinks have read them.
	inDir := assemble.InDir(filepath.Join(b.tmp, "layers"))
	defer func() { b.warnings = append(b.warnings, cache.Warnings()...) }()
	shared := assemble.ShareIn(b.o.shared)
	sys, err := assemble.NewLayerContext(ctx, sysFiles, comp, cache, sysDesc, inDir, shared)
	if err != nil {
		return "", fmt.Errorf("packaging: %w", err)
	}
	b.layers = append(b.layers, sys)
	rt, err := b.runtimeFiles(ctx)
	if err != nil {
		return "", fmt.Errorf("packaging: %w", err)
	}
	b.runtimeEnv = rt.Env
	if len(rt.Entries) > 0 {
		var paths []string
		for _, e := range rt.Entries {
			paths = append(paths, e.Path)
		}
		l, err := assemble.NewLayerContext(ctx, rt.Entries, comp, cache, "leve: run-time files "+strings.Join(paths, ", "), inDir, shared)
		if err != nil {
			return "", fmt.Errorf("packaging: %w", err)
		}
		b.layers = append(b.layers, l)
	}
	if len(b.o.Files.Adds) > 0 {
		entries, desc, err := addEntries(b.o.Files.Adds)
		if err != nil {
			return "", err
		}
		l, err := assemble.NewLayerContext(ctx, entries, comp, cache, "leve: --add "+desc, inDir, shared)
		if err != nil {
			return "", fmt.Errorf("packaging: %w", err)
		}
		b.layers = append(b.layers, l)
	}
	app, err := assemble.NewLayerContext(ctx, []assemble.Entry{
		{Path: AppDir, Mode: fs.ModeDir | 0o755},
		{Path: b.appPath(), Mode: 0o755, Data: b.data},
	}, comp, cache, "leve: "+b.appPath()+" ("+b.bin.Package.ImportPath+")", inDir)
	if err != nil {
		return "", fmt.Errorf("packaging: %w", err)
	}
	b.layers = append(b.layers, app)
	cfg, err := b.config()
	if err != nil {
		return "", err
	}
	if b.img, err = assemble.Image(b.base, b.layers, cfg); err != nil {
		return "", err
	}
	if err := b.describe(); err != nil {
		return "", err
	}
	endSBOM := span.Start(ctx, "sbom")
	err = b.attachSBOM()
	endSBOM()
	if err != nil {
		return "", err
	}
	on := "scratch"
	if b.base != nil {
		on = b.o.Base
	}
	res := &PackageResult{On: on, Compression: b.o.Layers.Compression.String(), Level: assemble.LevelOrDefault(b.o.Layers.Level).String(), Layers: b.desc.layers, SBOM: b.sbomDesc}
	b.result = res
	sbomNote := ""
	if res.SBOM != nil {
		sbomNote = "; SBOM " + res.SBOM.MediaType
	}
	return fmt.Sprintf("%d layers on %s, %s %s%s", len(b.layers), on, res.Compression, res.Level, sbomNote), nil
}

// config returns the image config: the base's (env, user, working
// directory), then leve's defaults where the base sets nothing, then the
// user's flags.
func (b *builder) config() (assemble.Config, error) {
	c := assemble.Config{
		OS: b.platform.OS, Architecture: b.platform.Arch, Variant: b.platform.Variant,
		Entrypoint: []string{b.appPath()},
		WorkingDir: AppDir,
		User:       DefaultUser,
		Env:        []string{assemble.DefaultPath},
		Labels:     maps.Clone(b.o.Config.Labels),
		Created:    b.created(),
	}
	if b.base != nil {
		bc, err := assemble.ReadBaseConfig(b.base)
		if err != nil {
			return c, err
		}
		c.Env = withAppPath(bc.Env)
		if bc.User != "" {
			c.User = bc.User
		}
		if bc.WorkingDir != "" {
			c.WorkingDir = bc.WorkingDir
		}
	}
	if len(b.o.Config.Entrypoint) > 0 {
		c.Entrypoint = b.o.Config.Entrypoint
	}
	if b.o.Config.WorkingDir != "" {
		c.WorkingDir = b.o.Config.WorkingDir
	}
	if b.o.Config.User != "" {
		c.User = b.o.Config.User
	}
	for _, kv := range append(slices.Clone(b.runtimeEnv), b.o.Config.Env...) {
		c.Env = setEnv(c.Env, kv)
	}
	for _, p := range b.o.Config.Ports {
		if !strings.Contains(p, "/") {
			p += "/tcp"
		}
		c.ExposedPorts = append(c.ExposedPorts, p)
	}
	c.Annotations = b.annotations(c.Created)
	return c, nil
}

// withAppPath returns a base's environment with /app at the end of its
// PATH, or leve's PATH when the base has none.
func withAppPath(env []string) []string {
	out := slices.Clone(env)
	for i, kv := range out {
		if v, ok := strings.CutPrefix(kv, "PATH="); ok {
			if !slices.Contains(strings.Split(v, ":"), AppDir) {
				out[i] = kv + ":" + AppDir
			}
			return out
		}
	}
	return append(out, assemble.DefaultPath)
}

// setEnv sets KEY=VALUE in env, replacing an existing KEY.
func setEnv(env []string, kv string) []string {
	key, _, _ := strings.Cut(kv, "=")
	for i, old := range env {
		if k, _, _ := strings.Cut(old, "="); k == key {
			env[i] = kv
			return env
		}
	}
	return append(env, kv)
}

// created is SOURCE_DATE_EPOCH, else the VCS commit time, else the epoch.
func (b *builder) created() time.Time {
	switch {
	case b.o.Config.Created != nil:
		return b.o.Config.Created.UTC()
	case !b.facts.vcsTime.IsZero():
		return b.facts.vcsTime.UTC()
	default:
		return time.Unix(0, 0).UTC()
	}
}

// annotations fills the org.opencontainers.image.* manifest annotations
// from the module and VCS build info, leaving out what is unknown.
func (b *builder) annotations(created time.Time) map[string]string {
	a := map[string]string{
		"org.opencontainers.image.title":   b.name(),
		"org.opencontainers.image.created": created.Format(time.RFC3339),
	}
	mod := b.facts.rep.Main
	if v := mod.Version; v != "" && v != "(devel)" {
		a["org.opencontainers.image.version"] = v
	}
	if r := b.facts.setting["vcs.revision"]; r != "" {
		a["org.opencontainers.image.revision"] = r
	}
	if b.base != nil {
		a["org.opencontainers.image.base.name"] = b.o.Base
		if d, err := b.base.Digest(); err == nil {
			a["org.opencontainers.image.base.digest"] = d.String()
		}
	}
	if first, _, _ := strings.Cut(mod.Path, "/"); strings.Contains(first, ".") && !strings.HasSuffix(first, ".local") && first != "example.com" {
		a["org.opencontainers.image.source"] = "https://" + mod.Path
	}
	return a
}

// describe records the image's layer, config and manifest sizes and
// digest.
func (b *builder) describe() error {
	m, err := b.img.Manifest()
	if err != nil {
		return fmt.Errorf("packaging: %w", err)
	}
	raw, err := b.img.RawManifest()
	if err != nil {
		return fmt.Errorf("packaging: %w", err)
	}
	d, err := b.img.Digest()
	if err != nil {
		return fmt.Errorf("packaging: %w", err)
	}
	r := &imageDesc{digest: d.String()}
	r.manifest = BlobReport{Digest: d.String(), MediaType: string(m.MediaType), Size: int64(len(raw))}
	r.config = BlobReport{Digest: m.Config.Digest.String(), MediaType: string(m.Config.MediaType), Size: m.Config.Size}
	r.pullSize = r.manifest.Size + r.config.Size
	for _, l := range m.Layers {
		r.pullSize += l.Size // the base's layers too
	}
	first := len(m.Layers) - len(b.layers) // leve's layers follow the base's
	for i, l := range b.layers {
		size, _ := l.Size()
		diffID, _ := l.DiffID()
		r.layers = append(r.layers, BlobReport{
			Digest: m.Layers[first+i].Digest.String(), MediaType: string(m.Layers[first+i].MediaType), Size: size,
			DiffID: diffID.String(), UncompressedSize: l.UncompressedSize(), CreatedBy: l.CreatedBy,
		})
	}
	b.desc = r
	return nil
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
