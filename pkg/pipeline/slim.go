package pipeline

import (
	"bytes"
	"context"
	"debug/elf"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/mutate"

	"github.com/leve-build/leve/pkg/assemble"
	"github.com/leve-build/leve/pkg/exe"
	"github.com/leve-build/leve/pkg/imagefs"
	"github.com/leve-build/leve/pkg/optimize"
	"github.com/leve-build/leve/pkg/platform"
	"github.com/leve-build/leve/pkg/publish"
	"github.com/leve-build/leve/pkg/pull"
	"github.com/leve-build/leve/pkg/regopts"
)

// ErrCannotSlim is wrapped by the errors of Slim that refuse an image it
// cannot rewrite without guessing: a script or interpreter entrypoint, a
// shell feature, a program that is not a Go binary, a missing library.
var ErrCannotSlim = errors.New("cannot slim")

// SlimOptions configure one Slim.
type SlimOptions struct {
	// Image is the image to slim, any reference pull.Open reads.
	Image string
	// Platform picks the image from an index; default linux/amd64.
	Platform platform.Platform
	// Base is the base of the slimmed image: "" or "scratch" for none.
	Base     string
	Registry regopts.Options
	// NoStrip keeps the binary's symbols; Pack packs it (pkg/pack).
	NoStrip, Pack bool
	// Keep lists paths of the image the program reads at run time, kept
	// with the symlinks they go through.
	Keep []string
	// Name and Tag name the slimmed image; default "slim", "latest".
	Name, Tag string
	// Compression and Level choose the layer compressor (gzip default).
	Compression, Level string
	CacheDir           string
	// WorkDir: see Options.WorkDir.
	WorkDir string
	// Sinks returns where to ship the image; nil ships nowhere.
	Sinks func(ref publish.Ref) ([]publish.Sink, error)
}

// SlimReport is what Slim did: the --json output of "leve slim",
// documented in docs/slim.md.
type SlimReport struct {
	SchemaVersion int    `json:"schemaVersion"`
	Source        string `json:"source"`
	// Entrypoint is the original image's command as it ran; Command the
	// slimmed image's, in exec form.
	Entrypoint []string `json:"entrypoint"`
	Command    []string `json:"command"`
	// Program is the file the entrypoint runs, resolved inside the image.
	Program     string   `json:"program"`
	Linking     string   `json:"linking"`
	Static      bool     `json:"static"`
	Interpreter string   `json:"interpreter,omitempty"`
	Libraries   []string `json:"libraries,omitempty"`
	// Files are the files taken from the image or added by leve, with why.
	Files []FileReport `json:"files"`
	// Kept lists the config fields carried over; Dropped what was not,
	// with the reason; Risks what the program may need that slim cannot
	// see.
	Kept    []string `json:"kept"`
	Dropped []string `json:"dropped"`
	Risks   []string `json:"risks"`
	// OriginalPullSize is what a pull of the original fetches
	// (OriginalEstimated: its compressed layer sizes are gzip estimates).
	OriginalPullSize  int64 `json:"originalPullSize"`
	OriginalEstimated bool  `json:"originalEstimated"`
	// Image is the slimmed image, as leve build reports one.
	Image *Report `json:"image"`
}

// caFiles are where Go's crypto/x509 looks for the system roots on Linux,
// in its order.
var caFiles = []string{
	"/etc/ssl/certs/ca-certificates.crt", "/etc/pki/tls/certs/ca-bundle.crt", "/etc/ssl/ca-bundle.pem",
	"/etc/pki/tls/cacert.pem", "/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem", "/etc/ssl/cert.pem",
}

// Slim rewrites an image into the smallest one that runs its program the
// same way: the Go binary its entrypoint runs, stripped (and packed on
// request), on scratch or o.Base, with the run-time files its analysis
// says it needs taken from the image (leve's own where the image has none),
// the interpreter and libraries of a dynamic binary, the paths of o.Keep,
// and the config that still makes sense. It refuses, wrapping
// ErrCannotSlim with the reason, what it cannot carry over safely. The
// image ships like Build's, all or nothing.
func Slim(ctx context.Context, o SlimOptions) (*SlimReport, publish.Artifact, error) {
	rep := &SlimReport{SchemaVersion: SchemaVersion, Source: o.Image, Files: []FileReport{}, Kept: []string{}, Dropped: []string{}, Risks: []string{}}
	fail := func(format string, a ...any) error {
		return fmt.Errorf("slim %s: %w: %s", o.Image, ErrCannotSlim, fmt.Sprintf(format, a...))
	}
	p := o.Platform
	if p.OS == "" {
		p = platform.Default
	}
	src, err := pull.Open(ctx, o.Image, pull.Options{Registry: o.Registry, Role: "image"})
	if err != nil {
		return rep, nil, err
	}
	defer src.Close()
	img, err := src.Image(p.OS, p.Arch, p.Variant)
	if err != nil {
		return rep, nil, err
	}
	cf, err := img.ConfigFile()
	if err != nil {
		return rep, nil, fmt.Errorf("slim %s: reading config: %w", o.Image, err)
	}
	rep.OriginalPullSize, rep.OriginalEstimated, err = pullSize(ctx, img)
	if err != nil {
		return rep, nil, err
	}
	ifs, err := imagefs.Read(ctx, img)
	if err != nil {
		return rep, nil, fmt.Errorf("slim %s: %w", o.Image, err)
	}
	c := cf.Config

	// The command as the image runs it, and its exec form.
	argv := append(slices.Clone(c.Entrypoint), c.Cmd...)
	rep.Entrypoint = argv
	if len(argv) == 0 {
		return rep, nil, fail("the image has no ENTRYPOINT or CMD: there is no program to keep")
	}
	command, cmd := slices.Clone(c.Entrypoint), slices.Clone(c.Cmd)
	if script, extra, ok := shellScript(argv); ok {
		words, err := splitShell(script)
		if err != nil {
			return rep, nil, fail("the entrypoint runs %q through %s, and %s; give the image an exec-form ENTRYPOINT", script, argv[0], err)
		}
		command, cmd = words, nil
		if len(extra) > 0 {
			// They are the script's $0, $1...; a script without $ never
			// reads them (splitShell refused any).
			rep.Dropped = append(rep.Dropped, fmt.Sprintf("CMD %q: the shell-form command receives it as $0... and never passes it to the program", extra))
		}
		rep.Kept = append(rep.Kept, fmt.Sprintf("ENTRYPOINT %q, the exec form of the shell form %q", words, script))
	} else {
		if len(command) == 0 {
			command, cmd = cmd, nil
		}
		rep.Kept = append(rep.Kept, fmt.Sprintf("ENTRYPOINT %q", command))
		if len(cmd) > 0 {
			rep.Kept = append(rep.Kept, fmt.Sprintf("CMD %q", cmd))
		}
	}
	rep.Command = append(slices.Clone(command), cmd...)
	workDir := c.WorkingDir
	if workDir == "" {
		workDir = "/"
	}
	prog, err := ifs.LookPath(command[0], envValue(c.Env, "PATH"), workDir)
	if err != nil {
		return rep, nil, fail("the entrypoint's program %s is not an executable file of the image (%v)", command[0], err)
	}
	rep.Program = "/" + prog
	named := namedPath(ifs, command[0], envValue(c.Env, "PATH"), workDir)
	data, err := readImageFile(ctx, ifs, prog)
	if err != nil {
		return rep, nil, fmt.Errorf("slim %s: %w", o.Image, err)
	}
	if bytes.HasPrefix(data, []byte("#!")) {
		line, _, _ := bytes.Cut(data, []byte("\n"))
		return rep, nil, fail("the entrypoint runs %s, a script (%s): slim keeps one Go binary and cannot tell what the script runs; make the image's ENTRYPOINT the program itself", rep.Program, strings.TrimSpace(string(line)))
	}
	fa, err := read(data)
	if err != nil || fa.rep == nil || fa.basic && fa.rep.GoVersion == "" {
		return rep, nil, fail("the entrypoint runs %s, which is not a Go executable leve can read (%v): an interpreted language or a foreign binary needs files slim cannot see", rep.Program, err)
	}
	r := fa.rep
	rep.Linking, rep.Static = r.Linking.String(), r.Linking.Static
	if fa.basic {
		rep.Risks = append(rep.Risks, fmt.Sprintf("no run-time needs analysis for %s binaries: CA certificates, time zones and users are not looked for; keep them with --keep PATH", p.Arch))
	}
	needs := map[string]string{}
	for _, n := range r.Needs {
		needs[n.Kind] = strings.Join(n.Evidence, ", ")
	}

	// Files taken from the image, and leve's where the image has none.
	var keep []string
	reasons := map[string]string{}
	take := func(p, why string) {
		p = strings.TrimPrefix(path.Clean("/"+p), "/")
		if _, ok := reasons[p]; !ok {
			keep = append(keep, p)
			reasons[p] = why
		}
	}
	exists := func(p string) bool { _, err := ifs.Stat(strings.TrimPrefix(p, "/")); return err == nil }
	var leveFiles []assemble.Entry
	var leveEnv []string
	addLeve := func(why string, rf assemble.RuntimeFiles) {
		leveFiles = append(leveFiles, rf.Entries...)
		leveEnv = append(leveEnv, rf.Env...)
		for _, e := range rf.Entries {
			rep.Files = append(rep.Files, FileReport{Path: e.Path, Size: int64(len(e.Data)), Reason: why})
		}
	}
	if ev, ok := needs[exe.NeedCACerts]; ok {
		cands := caFiles
		if f := envValue(c.Env, "SSL_CERT_FILE"); f != "" {
			cands = []string{f}
		}
		found := ""
		for _, f := range cands {
			if exists(f) {
				found = f
				break
			}
		}
		if found != "" {
			take(found, "CA certificates from the image ("+firstOf(ev)+")")
		} else {
			rf, err := assemble.CACertificates("bundle")
			if err != nil {
				return rep, nil, err
			}
			addLeve("CA certificates from leve's pinned Mozilla bundle: the image has none ("+firstOf(ev)+")", rf)
			rep.Risks = append(rep.Risks, "the image has no CA bundle where Go looks for one; leve's Mozilla roots were added")
		}
	}
	if ev, ok := needs[exe.NeedTZData]; ok {
		zi := envValue(c.Env, "ZONEINFO")
		switch {
		case zi != "" && exists(zi):
			take(zi, "time zone data from the image, ZONEINFO ("+firstOf(ev)+")")
		case exists("/usr/share/zoneinfo"):
			take("/usr/share/zoneinfo", "time zone data from the image ("+firstOf(ev)+")")
		default:
			goroot, err := goRoot(ctx)
			if err != nil {
				return rep, nil, fail("the program loads time zones, the image has no zoneinfo and %v", err)
			}
			rf, err := assemble.ZoneInfo(goroot)
			if err != nil {
				return rep, nil, err
			}
			addLeve("time zone data from the Go toolchain: the image has none ("+firstOf(ev)+")", rf)
		}
	}
	_, users := needs[exe.NeedUsers]
	_, dns := needs[exe.NeedDNS]
	// The runtime sets HOME from the user's passwd entry and resolves a
	// user name there, and os/user reads both files: they stay whenever
	// the image has them (a few hundred bytes).
	for _, f := range []string{"/etc/passwd", "/etc/group"} {
		if exists(f) {
			why := "users and groups from the image (the user " + orDefault(c.User, "root") + " and its HOME"
			if users {
				why += ", os/user"
			}
			take(f, why+")")
		}
	}
	if !exists("/etc/passwd") && c.User != "" && !numericUser(c.User) {
		return rep, nil, fail("the image runs as the user %q and has no /etc/passwd to say who that is", c.User)
	}
	if dns {
		if exists("/etc/nsswitch.conf") {
			take("/etc/nsswitch.conf", "host lookup order from the image ("+firstOf(needs[exe.NeedDNS])+")")
		} else if r.Linking.Static {
			addLeve("host lookup order (hosts: files dns): the image has no /etc/nsswitch.conf ("+firstOf(needs[exe.NeedDNS])+")", assemble.NSSwitch())
		}
	}
	if !r.Linking.Static {
		libs, err := libraryClosure(ctx, ifs, r.Linking, p.Arch, users || dns, o.Keep, envValue(c.Env, "LD_LIBRARY_PATH"))
		if err != nil {
			return rep, nil, fail("%s is dynamically linked and %v; slim keeps only what the image holds: if the program finds it elsewhere (RUNPATH), name it with --keep PATH", rep.Program, err)
		}
		rep.Interpreter = r.Linking.Interpreter
		for _, l := range libs {
			rep.Libraries = append(rep.Libraries, "/"+l)
			take(l, "shared library of "+rep.Program+", from the image")
		}
		if users || dns {
			if exists("/etc/nsswitch.conf") {
				take("/etc/nsswitch.conf", "glibc's NSS configuration, from the image")
			}
		}
		if ef, err := elf.NewFile(bytes.NewReader(data)); err == nil {
			if syms, err := ef.ImportedSymbols(); err == nil && slices.ContainsFunc(syms, func(s elf.ImportedSymbol) bool { return s.Name == "dlopen" }) {
				rep.Risks = append(rep.Risks, rep.Program+" calls dlopen: the libraries it loads at run time are unknown to slim; keep them with --keep PATH")
			}
		}
		rep.Risks = append(rep.Risks, "glibc may load NSS modules and gconv converters it was not linked with; slim keeps the NSS modules only when the program looks up users or hosts")
	}
	if named != "" && named != prog {
		// The command names the program through a symlink: keep the link.
		take(named, "the path the command names the program by")
	}
	for _, k := range o.Keep {
		if !exists(k) {
			return rep, nil, fmt.Errorf("slim %s: --keep %s: the image has no such file; name a path of the image", o.Image, k)
		}
		take(k, "--keep")
	}
	if len(o.Keep) == 0 {
		rep.Risks = append(rep.Risks, "files the program opens at run time (configuration, templates, data) are not seen by slim: keep them with --keep PATH")
	}
	closure, err := ifs.Closure(keep...)
	if err != nil {
		return rep, nil, fmt.Errorf("slim %s: %w", o.Image, err)
	}

	// The binary, stripped and packed as asked.
	tmp, err := os.MkdirTemp(o.WorkDir, "leve-slim-")
	if err != nil {
		return rep, nil, fmt.Errorf("slimming: %w", err)
	}
	if o.WorkDir == "" {
		defer os.RemoveAll(tmp)
	}
	name := o.Name
	if name == "" {
		name = repositoryName(path.Base(prog))
	}
	b := &builder{o: Options{CacheDir: o.CacheDir, Pack: o.Pack, Compression: o.Compression, Level: o.Level, Progress: func(Event) {}}, platform: p, tmp: tmp, data: data, facts: fa}
	build := &Report{SchemaVersion: SchemaVersion, Outputs: []Output{}, Images: []ImageReport{{Platform: p.String()}}}
	b.rep = &build.Images[0]
	b.rep.Binary = BinaryReport{Name: path.Base(prog), Path: rep.Program, Package: r.Main.Path, Module: r.Main.Path, GoVersion: r.GoVersion, Static: r.Linking.Static, SizeBefore: int64(len(data)), Needs: needsOf(r)}
	if !o.NoStrip {
		out, _, err := optimize.Strip(b.data)
		if err != nil {
			return rep, nil, fmt.Errorf("slim %s: stripping %s: %w", o.Image, rep.Program, err)
		}
		b.data, b.rep.Binary.Stripped = out, true
	}
	if o.Pack {
		if _, err := b.packBinary(ctx); err != nil {
			return rep, nil, err
		}
		b.rep.Binary.Packed = true
	}
	b.rep.Binary.SizeAfter = int64(len(b.data))

	// The layers: the image's files, leve's, the binary.
	var base v1.Image
	if o.Base != "" && o.Base != pull.Scratch {
		bs, err := pull.Open(ctx, o.Base, pull.Options{Registry: o.Registry, Role: "base"})
		if err != nil {
			return rep, nil, err
		}
		defer bs.Close()
		if base, err = bs.Image(p.OS, p.Arch, p.Variant); err != nil {
			return rep, nil, err
		}
	}
	comp, err := assemble.ChooseCompressor(orDefault(o.Compression, "gzip"), orDefault(o.Level, "default"))
	if err != nil {
		return rep, nil, err
	}
	inDir := assemble.InDir(filepath.Join(tmp, "layers"))
	entries, err := imageEntries(ctx, ifs, closure, filepath.Join(tmp, "root"), prog)
	if err != nil {
		return rep, nil, fmt.Errorf("slim %s: %w", o.Image, err)
	}
	for _, e := range entries {
		if why, ok := reasons[strings.TrimPrefix(e.Path, "/")]; ok {
			rep.Files = append(rep.Files, FileReport{Path: e.Path, Size: fileSize(e), Reason: why})
		}
	}
	// A writable /tmp, as every image's: os.TempDir's users need it.
	entries = append(entries, assemble.Entry{Path: "/tmp", Mode: fs.ModeDir | fs.ModeSticky | 0o777})
	if workDir != "/" && !slices.ContainsFunc(entries, func(e assemble.Entry) bool { return e.Path == path.Clean(workDir) }) {
		entries = append(entries, parentDirs(path.Clean(workDir)+"/x", entries)...)
	}
	entries = append(entries, leveFiles...)
	var layers []*assemble.Layer
	if len(entries) > 0 {
		l, err := assemble.NewLayerContext(ctx, entries, comp, nil, "leve slim: run-time files from the original image", inDir)
		if err != nil {
			return rep, nil, fmt.Errorf("slimming: %w", err)
		}
		layers = append(layers, l)
	}
	mode := fs.FileMode(0o755)
	if e, err := ifs.Stat(prog); err == nil {
		mode = e.Mode.Perm()
	}
	binEntries := append(parentDirs(rep.Program, entries), assemble.Entry{Path: rep.Program, Mode: mode, Data: b.data})
	app, err := assemble.NewLayerContext(ctx, binEntries, comp, nil, "leve slim: "+rep.Program, inDir)
	if err != nil {
		return rep, nil, fmt.Errorf("slimming: %w", err)
	}
	layers = append(layers, app)
	b.layers = layers

	// The config that still makes sense.
	env := slices.Clone(c.Env)
	for _, kv := range leveEnv {
		env = setEnv(env, kv)
	}
	cfg := assemble.Config{
		OS: p.OS, Architecture: p.Arch, Variant: p.Variant,
		Entrypoint: command, Cmd: cmd, WorkingDir: c.WorkingDir, User: c.User, Env: env,
		Labels: maps.Clone(c.Labels), Created: cf.Created.Time.UTC(),
		Annotations: map[string]string{"org.opencontainers.image.title": path.Base(prog)},
	}
	if cfg.Created.IsZero() || cfg.Created.Before(time.Unix(0, 0)) {
		cfg.Created = time.Unix(0, 0).UTC()
	}
	for port := range c.ExposedPorts {
		cfg.ExposedPorts = append(cfg.ExposedPorts, port)
	}
	slices.Sort(cfg.ExposedPorts)
	rep.Kept = append(rep.Kept, keptFields(c)...)
	img2, err := assemble.Image(base, layers, cfg)
	if err != nil {
		return rep, nil, err
	}
	ncf, err := img2.ConfigFile()
	if err != nil {
		return rep, nil, fmt.Errorf("slimming: %w", err)
	}
	ncf = ncf.DeepCopy()
	ncf.Config.StopSignal = c.StopSignal
	ncf.Config.Volumes = c.Volumes
	if hc := c.Healthcheck; hc != nil {
		if keepHealthcheck(hc.Test, rep.Program, command[0]) {
			ncf.Config.Healthcheck = hc
			rep.Kept = append(rep.Kept, fmt.Sprintf("HEALTHCHECK %q", hc.Test))
		} else {
			rep.Dropped = append(rep.Dropped, fmt.Sprintf("HEALTHCHECK %q: it runs a shell or another program, which the slimmed image does not hold", hc.Test))
		}
	}
	if c.Shell != nil {
		rep.Dropped = append(rep.Dropped, fmt.Sprintf("SHELL %q: the slimmed image has no shell", c.Shell))
	}
	if len(c.OnBuild) > 0 {
		rep.Dropped = append(rep.Dropped, "ONBUILD: build instructions for images built on this one")
	}
	if b.img, err = mutate.ConfigFile(img2, ncf); err != nil {
		return rep, nil, fmt.Errorf("slimming: %w", err)
	}
	if err := b.describe(); err != nil {
		return rep, nil, err
	}
	build.Images[0].Files = rep.Files
	build.Digest, build.MediaType, build.PullSize = b.rep.Digest, b.rep.Manifest.MediaType, b.rep.PullSize
	rep.Image = build
	o2 := Options{Name: name, Tag: o.Tag, Sinks: o.Sinks}
	o2.Progress = o2.progress() // ship sends push progress: here, nowhere
	start := time.Now()
	summary, err := ship(ctx, o2, b.img, build)
	if err != nil {
		return rep, nil, err
	}
	build.Ship = StageReport{Name: "ship", Duration: time.Since(start), Summary: summary}
	return rep, b.img, nil
}

// pullSize is what a pull of img fetches: manifest, config and compressed
// layers, each distinct blob once; estimated when a layer's is.
func pullSize(ctx context.Context, img v1.Image) (int64, bool, error) {
	raw, err := img.RawManifest()
	if err != nil {
		return 0, false, fmt.Errorf("reading manifest: %w", err)
	}
	cfg, err := img.RawConfigFile()
	if err != nil {
		return 0, false, fmt.Errorf("reading config: %w", err)
	}
	infos, err := pull.Layers(ctx, img)
	if err != nil {
		return 0, false, err
	}
	n, est := int64(len(raw)+len(cfg)), false
	for _, l := range infos {
		if l.RepeatOf >= 0 {
			continue
		}
		n += l.CompressedSize
		est = est || l.Estimated
	}
	return n, est, nil
}

// readImageFile reads a file of the image whole.
func readImageFile(ctx context.Context, ifs *imagefs.FS, p string) ([]byte, error) {
	rc, err := ifs.Open(ctx, p)
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	data, err := io.ReadAll(rc)
	if err != nil {
		return nil, fmt.Errorf("reading /%s: %w", p, err)
	}
	return data, nil
}

// imageEntries extracts paths of the image under dir and returns them as
// layer entries with the image's modes and owners, skipping skip (the
// binary, shipped in its own layer).
func imageEntries(ctx context.Context, ifs *imagefs.FS, paths []string, dir, skip string) ([]assemble.Entry, error) {
	if len(paths) == 0 {
		return nil, nil
	}
	if _, err := ifs.Extract(ctx, dir, imagefs.WithOnly(paths...)); err != nil {
		return nil, err
	}
	var out []assemble.Entry
	err := filepath.WalkDir(dir, func(host string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, host)
		rel = filepath.ToSlash(rel)
		if rel == "." || rel == skip {
			return nil
		}
		e, err := ifs.Lstat(rel)
		if err != nil {
			return err
		}
		ae := assemble.Entry{Path: "/" + rel, Mode: e.Mode, UID: e.UID, GID: e.GID}
		switch {
		case d.Type()&fs.ModeSymlink != 0:
			if ae.Target, err = os.Readlink(host); err != nil {
				return err
			}
			ae.Mode = fs.ModeSymlink | 0o777
		case d.IsDir():
			ae.Mode = fs.ModeDir | e.Mode.Perm() | e.Mode&(fs.ModeSticky|fs.ModeSetuid|fs.ModeSetgid)
		default:
			ae.Source = host
			ae.Mode = e.Mode.Perm()
		}
		out = append(out, ae)
		return nil
	})
	return out, err
}

// parentDirs returns directory entries for the parents of p that entries
// do not already hold.
func parentDirs(p string, entries []assemble.Entry) []assemble.Entry {
	var out []assemble.Entry
	for d := path.Dir(p); d != "/" && d != "."; d = path.Dir(d) {
		if !slices.ContainsFunc(entries, func(e assemble.Entry) bool { return e.Path == d }) {
			out = append([]assemble.Entry{{Path: d, Mode: fs.ModeDir | 0o755}}, out...)
		}
	}
	return out
}

func fileSize(e assemble.Entry) int64 {
	if e.Source == "" {
		return int64(len(e.Data))
	}
	if fi, err := os.Lstat(e.Source); err == nil {
		return fi.Size()
	}
	return 0
}

// envValue returns the value of key in a KEY=VALUE list.
func envValue(env []string, key string) string {
	for _, kv := range env {
		if v, ok := strings.CutPrefix(kv, key+"="); ok {
			return v
		}
	}
	return ""
}

// numericUser reports whether u is UID or UID:GID in numbers.
func numericUser(u string) bool {
	for _, part := range strings.Split(u, ":") {
		if part == "" || strings.Trim(part, "0123456789") != "" {
			return false
		}
	}
	return true
}

// keepHealthcheck reports whether a healthcheck still runs in the slimmed
// image: NONE, or CMD running the program itself.
func keepHealthcheck(test []string, prog, cmd0 string) bool {
	if len(test) == 0 || test[0] == "NONE" {
		return true
	}
	return test[0] == "CMD" && len(test) > 1 && (test[1] == prog || test[1] == cmd0)
}

// keptFields names the config fields carried over as they are.
func keptFields(c v1.Config) []string {
	var out []string
	if len(c.Env) > 0 {
		out = append(out, fmt.Sprintf("ENV (%d variables)", len(c.Env)))
	}
	if c.WorkingDir != "" {
		out = append(out, "WORKDIR "+c.WorkingDir)
	}
	if c.User != "" {
		out = append(out, "USER "+c.User)
	} else {
		out = append(out, "USER root (none set, as the original)")
	}
	if len(c.ExposedPorts) > 0 {
		out = append(out, fmt.Sprintf("EXPOSE (%d ports)", len(c.ExposedPorts)))
	}
	if len(c.Labels) > 0 {
		out = append(out, fmt.Sprintf("LABEL (%d labels)", len(c.Labels)))
	}
	if c.StopSignal != "" {
		out = append(out, "STOPSIGNAL "+c.StopSignal)
	}
	if len(c.Volumes) > 0 {
		out = append(out, fmt.Sprintf("VOLUME (%d)", len(c.Volumes)))
	}
	return out
}

// namedPath is the root-relative path the command word name reaches the
// program by, before symlinks are followed: against dir when it has a
// slash, else in the first directory of pathEnv that holds it.
func namedPath(ifs *imagefs.FS, name, pathEnv, dir string) string {
	if strings.Contains(name, "/") {
		return strings.TrimPrefix(path.Join("/", dir, name), "/")
	}
	for _, d := range strings.Split(pathEnv, ":") {
		if d == "" {
			continue
		}
		p := strings.TrimPrefix(path.Join("/", d, name), "/")
		if _, err := ifs.Lstat(p); err == nil {
			return p
		}
	}
	return ""
}
