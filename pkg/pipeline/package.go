package pipeline

import (
	"context"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/leve-build/leve/internal/humanize"
	"github.com/leve-build/leve/pkg/assemble"
	"github.com/leve-build/leve/pkg/publish"
)

func (b *builder) pack(ctx context.Context) (string, error) {
	var cache *assemble.Cache
	if b.o.CacheDir != "" {
		cache = assemble.NewCache(b.o.CacheDir)
	}
	bin := &b.rep.Binary
	b.rep.Files = []FileReport{}
	comp, err := assemble.ChooseCompressor(b.o.Compression, b.o.Level)
	if err != nil {
		return "", err
	}
	sysFiles, err := assemble.SystemFilesOn(b.base)
	if err != nil {
		return "", fmt.Errorf("packaging: %w", err)
	}
	sysDesc := "leve: /etc/passwd, /etc/group (root, nonroot 65532), /home/nonroot, /tmp"
	if b.o.Passwd == "none" {
		sysFiles = slices.DeleteFunc(sysFiles, func(e assemble.Entry) bool { return e.Path == "/etc/passwd" || e.Path == "/etc/group" })
		sysDesc = "leve: /home/nonroot, /tmp"
	}
	sys, err := assemble.NewLayer(sysFiles, comp, cache, sysDesc)
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
		l, err := assemble.NewLayer(rt.Entries, comp, cache, "leve: run-time files "+strings.Join(paths, ", "))
		if err != nil {
			return "", fmt.Errorf("packaging: %w", err)
		}
		b.layers = append(b.layers, l)
	}
	if len(b.o.Adds) > 0 {
		entries, desc, err := addEntries(b.o.Adds)
		if err != nil {
			return "", err
		}
		l, err := assemble.NewLayer(entries, comp, cache, "leve: --add "+desc)
		if err != nil {
			return "", fmt.Errorf("packaging: %w", err)
		}
		b.layers = append(b.layers, l)
	}
	app, err := assemble.NewLayer([]assemble.Entry{
		{Path: AppDir, Mode: fs.ModeDir | 0o755},
		{Path: bin.Path, Mode: 0o755, Data: b.data},
	}, comp, cache, "leve: "+bin.Path+" ("+bin.Package+")")
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
	if err := b.attachSBOM(); err != nil {
		return "", err
	}
	parts := make([]string, 0, len(b.layers))
	for _, l := range b.rep.Layers {
		parts = append(parts, fmt.Sprintf("%s (%s tar)", humanize.Bytes(l.Size), humanize.Bytes(l.UncompressedSize)))
	}
	on := "scratch"
	if b.base != nil {
		on = b.o.Base
	}
	sbomNote := ""
	if b.rep.SBOM != nil {
		sbomNote = fmt.Sprintf("; SBOM %s %s", b.rep.SBOM.MediaType, humanize.Bytes(b.rep.SBOM.Size))
	}
	return fmt.Sprintf("%d layers on %s, %s: %s%s", len(b.layers), on, comp.Name(), strings.Join(parts, " + "), sbomNote), nil
}

// config returns the image config: the base's (env, user, working
// directory), then leve's defaults where the base sets nothing, then the
// user's flags.
func (b *builder) config() (assemble.Config, error) {
	bin := b.rep.Binary
	c := assemble.Config{
		OS: b.platform.OS, Architecture: b.platform.Arch, Variant: b.platform.Variant,
		Entrypoint: []string{bin.Path},
		WorkingDir: AppDir,
		User:       DefaultUser,
		Env:        []string{assemble.DefaultPath},
		Labels:     maps.Clone(b.o.Labels),
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
	if len(b.o.Entrypoint) > 0 {
		c.Entrypoint = b.o.Entrypoint
	}
	if b.o.WorkingDir != "" {
		c.WorkingDir = b.o.WorkingDir
	}
	if b.o.User != "" {
		c.User = b.o.User
	}
	for _, kv := range append(slices.Clone(b.runtimeEnv), b.o.Env...) {
		c.Env = setEnv(c.Env, kv)
	}
	for _, p := range b.o.Ports {
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
	case b.o.Created != nil:
		return b.o.Created.UTC()
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
		"org.opencontainers.image.title":   b.rep.Binary.Name,
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

// describe fills the report's layer, config and manifest sizes and digest.
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
	r := b.rep
	r.Digest = d.String()
	r.Manifest = BlobReport{Digest: d.String(), MediaType: string(m.MediaType), Size: int64(len(raw))}
	r.Config = BlobReport{Digest: m.Config.Digest.String(), MediaType: string(m.Config.MediaType), Size: m.Config.Size}
	r.PullSize = r.Manifest.Size + r.Config.Size
	for _, l := range m.Layers {
		r.PullSize += l.Size // the base's layers too
	}
	r.Layers = nil
	first := len(m.Layers) - len(b.layers) // leve's layers follow the base's
	for i, l := range b.layers {
		size, _ := l.Size()
		diffID, _ := l.DiffID()
		r.Layers = append(r.Layers, BlobReport{
			Digest: m.Layers[first+i].Digest.String(), MediaType: string(m.Layers[first+i].MediaType), Size: size,
			DiffID: diffID.String(), UncompressedSize: l.UncompressedSize(), CreatedBy: l.CreatedBy,
		})
	}
	return nil
}

// ship publishes art to the sinks the options ask for, under the name
// given or the binary's name.
func ship(ctx context.Context, o Options, art publish.Artifact, rep *Report) (string, error) {
	name, tag := o.Name, o.Tag
	if name == "" {
		name = repositoryName(rep.Images[0].Binary.Name)
	}
	if tag == "" {
		tag = "latest"
	}
	ref := publish.Ref{Name: name, Tag: tag}
	rep.Name, rep.Tag = name, tag
	rep.Reference = ref.String() + "@" + rep.Digest
	if o.Sinks == nil {
		return "nowhere (no output requested)", nil
	}
	sink, err := o.Sinks(ref)
	if err != nil {
		return "", err
	}
	var outs []string
	for i, s := range flatten(sink) {
		p, err := s.Publish(ctx, art, ref)
		if err != nil {
			return "", err
		}
		rep.Outputs = append(rep.Outputs, Output{Kind: p.Kind, Location: p.Location, Digest: p.Digest.String()})
		switch {
		case p.Digest.String() == rep.Digest:
		case i == 0:
			// The reference names what the first output holds: a tarball of
			// a zstd or multi-platform build holds another manifest.
			rep.Digest = p.Digest.String()
			rep.Reference = ref.String() + "@" + rep.Digest
		default:
			rep.Warnings = append(rep.Warnings, fmt.Sprintf("%s %s holds %s, not %s: its single image has gzip layers", p.Kind, p.Location, p.Digest, rep.Digest))
		}
		if p.Kind == "registry" && o.Compression == "zstd" {
			rep.Warnings = append(rep.Warnings, "pushed zstd layers to "+p.Location+": Docker 23+, containerd 1.5+ and Podman pull them; Docker 20.10 and older runtimes cannot")
		}
		outs = append(outs, p.Kind+" "+p.Location)
		if p.Note != "" {
			rep.Warnings = append(rep.Warnings, p.Note)
		}
	}
	for _, out := range rep.Outputs {
		if out.Kind == "registry" {
			// What was pushed is what scripts want to deploy.
			rep.Reference = out.Location + "@" + out.Digest
			break
		}
	}
	return strings.Join(outs, ", ") + " as " + ref.String(), nil
}

func flatten(s publish.Sink) []publish.Sink {
	if m, ok := s.(publish.Multi); ok {
		return m
	}
	return []publish.Sink{s}
}

// addEntries reads the host files of --add flags into layer entries.
// Modes are normalized (0755 for directories and executables, 0644 for
// other files) so the layer does not depend on the host's umask.
func addEntries(adds []Add) ([]assemble.Entry, string, error) {
	var entries []assemble.Entry
	var desc []string
	for _, a := range adds {
		desc = append(desc, a.Src+":"+a.Dest)
		fi, err := os.Stat(a.Src)
		if err != nil {
			return nil, "", fmt.Errorf("--add %s:%s: %w", a.Src, a.Dest, err)
		}
		dest := path.Clean("/" + a.Dest)
		if !fi.IsDir() && strings.HasSuffix(a.Dest, "/") {
			dest = path.Join(dest, filepath.Base(a.Src))
		}
		err = filepath.WalkDir(a.Src, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			rel, err := filepath.Rel(a.Src, p)
			if err != nil {
				return err
			}
			e := assemble.Entry{Path: path.Join(dest, filepath.ToSlash(rel))}
			switch {
			case d.Type()&fs.ModeSymlink != 0:
				e.Mode = fs.ModeSymlink | 0o777
				e.Target, err = os.Readlink(p)
			case d.IsDir():
				e.Mode = fs.ModeDir | 0o755
			case !d.Type().IsRegular():
				return fmt.Errorf("%s is a %s; leve copies regular files, directories and symbolic links only", p, fileKind(d.Type()))
			default:
				info, ierr := d.Info()
				if ierr != nil {
					return ierr
				}
				e.Mode = 0o644
				if info.Mode()&0o111 != 0 {
					e.Mode = 0o755
				}
				e.Data, err = os.ReadFile(p)
			}
			entries = append(entries, e)
			return err
		})
		if err != nil {
			return nil, "", fmt.Errorf("--add %s:%s: %w", a.Src, a.Dest, err)
		}
	}
	return entries, strings.Join(desc, " "), nil
}

// fileKind names a special file type for an error message.
func fileKind(m fs.FileMode) string {
	switch {
	case m&fs.ModeNamedPipe != 0:
		return "named pipe"
	case m&fs.ModeSocket != 0:
		return "socket"
	case m&fs.ModeDevice != 0:
		return "device"
	default:
		return "special file"
	}
}

// repositoryName derives an image name from a binary name: lowercase,
// accents dropped, and every run of characters a repository name cannot
// hold replaced by one "-" ("Olá Mundo" gives "ola-mundo").
func repositoryName(bin string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(bin) {
		if a, ok := unaccented[r]; ok {
			r = a
		}
		switch {
		case r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '.' || r == '_':
			b.WriteRune(r)
			dash = false
		case !dash && b.Len() > 0:
			b.WriteByte('-')
			dash = true
		}
	}
	name := strings.Trim(b.String(), "-._")
	if name == "" {
		return "app"
	}
	return name
}

// unaccented maps accented Latin letters to their base letter.
var unaccented = func() map[rune]rune {
	m := map[rune]rune{}
	for base, accented := range map[rune]string{
		'a': "àáâãäåā", 'c': "çćč", 'e': "èéêëēę", 'i': "ìíîïī", 'n': "ñń",
		'o': "òóôõöøō", 'u': "ùúûüū", 'y': "ýÿ", 's': "śš", 'z': "źżž", 'l': "ł",
	} {
		for _, r := range accented {
			m[r] = base
		}
	}
	return m
}()
