package pipeline

import (
	"bytes"
	"context"
	"debug/elf"
	"errors"
	"fmt"
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

// A KeepError is a path SlimOptions.Keep names that the image lacks.
type KeepError struct{ Path string }

func (e *KeepError) Error() string {
	return fmt.Sprintf("%s: the image has no such file to keep; name a path of the image", e.Path)
}

// A LibraryError refuses a dynamic program whose interpreter or libraries
// the image lacks where the dynamic loader looks (Err says which); it
// wraps ErrCannotSlim. Keeping the path where the program finds it
// (RUNPATH) is the fix.
type LibraryError struct {
	Program string
	Err     error
}

func (e *LibraryError) Error() string { return e.Message("keep it by its path in the image") }

// Message words the refusal with fix, how to keep a path of the image.
func (e *LibraryError) Message(fix string) string {
	return fmt.Sprintf("%s: %s is dynamically linked and %v; slim keeps only what the image holds: if the program finds it elsewhere (RUNPATH), %s", ErrCannotSlim, e.Program, e.Err, fix)
}

// Unwrap returns ErrCannotSlim and the cause.
func (e *LibraryError) Unwrap() []error { return []error{ErrCannotSlim, e.Err} }

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
	// Layers choose the layer compressor, as Options.Layers.
	Layers LayerOptions
	// CacheDir: see Options.CacheDir.
	CacheDir string
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
	s := &slimming{o: o, p: o.Platform, reasons: map[string]string{},
		rep: &SlimReport{SchemaVersion: SchemaVersion, Source: o.Image, Files: []FileReport{}, Kept: []string{}, Dropped: []string{}, Risks: []string{}}}
	if s.p.OS == "" {
		s.p = platform.Default
	}
	src, err := pull.Open(ctx, o.Image, pull.Options{Registry: o.Registry, Role: "image"})
	if err != nil {
		return s.rep, nil, err
	}
	defer src.Close()
	if err := s.read(ctx, src); err != nil {
		return s.rep, nil, err
	}
	if err := s.execForm(); err != nil {
		return s.rep, nil, err
	}
	if err := s.program(ctx); err != nil {
		return s.rep, nil, err
	}
	closure, err := s.files(ctx)
	if err != nil {
		return s.rep, nil, err
	}
	tmp, err := os.MkdirTemp(o.WorkDir, "leve-slim-")
	if err != nil {
		return s.rep, nil, fmt.Errorf("slimming: %w", err)
	}
	if o.WorkDir == "" {
		defer os.RemoveAll(tmp)
	}
	b, build, err := s.binary(ctx, tmp)
	if err != nil {
		return s.rep, nil, err
	}
	var base v1.Image
	if o.Base != "" && o.Base != pull.Scratch {
		bs, err := pull.Open(ctx, o.Base, pull.Options{Registry: o.Registry, Role: "base"})
		if err != nil {
			return s.rep, nil, err
		}
		defer bs.Close()
		if base, err = bs.Image(s.p.OS, s.p.Arch, s.p.Variant); err != nil {
			return s.rep, nil, err
		}
	}
	if b.layers, err = s.layers(ctx, closure, tmp, b.data); err != nil {
		return s.rep, nil, err
	}
	if b.img, err = s.image(base, b.layers); err != nil {
		return s.rep, nil, err
	}
	if err := b.describe(); err != nil {
		return s.rep, nil, err
	}
	b.desc.into(b.rep)
	b.rep.Warnings = b.warnings
	build.Images[0].Files = s.rep.Files
	build.Digest, build.MediaType, build.PullSize = b.rep.Digest, b.rep.Manifest.MediaType, b.rep.PullSize
	s.rep.Image = build
	ref := imageRef(o.Name, o.Tag, path.Base(s.prog))
	named(build, ref)
	o2 := Options{Sinks: o.Sinks}
	o2.Progress = o2.progress() // ship sends push progress: here, nowhere
	start := time.Now()
	summary, err := ship(ctx, o2, ref, b.img, build)
	if err != nil {
		return s.rep, nil, err
	}
	build.Ship = StageReport{Name: "ship", Duration: time.Since(start), Summary: summary}
	return s.rep, b.img, nil
}

// slimming is one Slim in progress: each phase reads what the phases
// before it found and records what it finds in rep.
type slimming struct {
	o   SlimOptions
	p   platform.Platform
	rep *SlimReport

	cf  *v1.ConfigFile
	ifs *imagefs.FS
	// command and cmd are the slimmed image's ENTRYPOINT and CMD;
	// workDir is where the original runs them.
	command, cmd []string
	workDir      string
	// prog is the program's root-relative path, named the path the
	// command names it by (a symlink to prog, or prog), data its bytes
	// and facts its analysis.
	prog, named string
	data        []byte
	facts       *facts
	needs       map[string]string

	// keep lists the image's paths to carry over, with reasons; leveFiles
	// and leveEnv are what leve adds where the image has none.
	keep      []string
	reasons   map[string]string
	leveFiles []assemble.Entry
	leveEnv   []string
}

// fail returns the error of a refusal: ErrCannotSlim with the reason.
func (s *slimming) fail(format string, a ...any) error {
	return fmt.Errorf("slim %s: %w: %s", s.o.Image, ErrCannotSlim, fmt.Sprintf(format, a...))
}

// read opens the image of the platform, its config, its pull size and its
// file system.
func (s *slimming) read(ctx context.Context, src *pull.Source) error {
	img, err := src.Image(s.p.OS, s.p.Arch, s.p.Variant)
	if err != nil {
		return err
	}
	if s.cf, err = img.ConfigFile(); err != nil {
		return fmt.Errorf("slim %s: reading config: %w", s.o.Image, err)
	}
	if s.rep.OriginalPullSize, s.rep.OriginalEstimated, err = pullSize(ctx, img); err != nil {
		return err
	}
	if s.ifs, err = imagefs.Read(ctx, img); err != nil {
		return fmt.Errorf("slim %s: %w", s.o.Image, err)
	}
	return nil
}

// execForm resolves the command as the image runs it into its exec form.
func (s *slimming) execForm() error {
	c := s.cf.Config
	argv := append(slices.Clone(c.Entrypoint), c.Cmd...)
	s.rep.Entrypoint = argv
	if len(argv) == 0 {
		return s.fail("the image has no ENTRYPOINT or CMD: there is no program to keep")
	}
	s.command, s.cmd = slices.Clone(c.Entrypoint), slices.Clone(c.Cmd)
	if script, extra, ok := shellScript(argv); ok {
		words, err := splitShell(script)
		if err != nil {
			return s.fail("the entrypoint runs %q through %s, and %s; give the image an exec-form ENTRYPOINT", script, argv[0], err)
		}
		s.command, s.cmd = words, nil
		if len(extra) > 0 {
			// They are the script's $0, $1...; a script without $ never
			// reads them (splitShell refused any).
			s.rep.Dropped = append(s.rep.Dropped, fmt.Sprintf("CMD %q: the shell-form command receives it as $0... and never passes it to the program", extra))
		}
		s.rep.Kept = append(s.rep.Kept, fmt.Sprintf("ENTRYPOINT %q, the exec form of the shell form %q", words, script))
	} else {
		if len(s.command) == 0 {
			s.command, s.cmd = s.cmd, nil
		}
		s.rep.Kept = append(s.rep.Kept, fmt.Sprintf("ENTRYPOINT %q", s.command))
		if len(s.cmd) > 0 {
			s.rep.Kept = append(s.rep.Kept, fmt.Sprintf("CMD %q", s.cmd))
		}
	}
	s.rep.Command = append(slices.Clone(s.command), s.cmd...)
	s.workDir = orDefault(c.WorkingDir, "/")
	return nil
}

// program finds the file the command runs, reads it and analyses it; it
// refuses a script and anything but a Go executable.
func (s *slimming) program(ctx context.Context) error {
	c := s.cf.Config
	prog, err := s.ifs.LookPath(s.command[0], envValue(c.Env, "PATH"), s.workDir)
	if err != nil {
		return s.fail("the entrypoint's program %s is not an executable file of the image (%v)", s.command[0], err)
	}
	s.prog, s.rep.Program = prog, "/"+prog
	s.named = namedPath(s.ifs, s.command[0], envValue(c.Env, "PATH"), s.workDir)
	if s.data, err = readImageFile(ctx, s.ifs, prog); err != nil {
		return fmt.Errorf("slim %s: %w", s.o.Image, err)
	}
	if bytes.HasPrefix(s.data, []byte("#!")) {
		line, _, _ := bytes.Cut(s.data, []byte("\n"))
		return s.fail("the entrypoint runs %s, a script (%s): slim keeps one Go binary and cannot tell what the script runs; make the image's ENTRYPOINT the program itself", s.rep.Program, strings.TrimSpace(string(line)))
	}
	fa, err := read(s.data)
	if err != nil || fa.rep == nil || fa.basic && fa.rep.GoVersion == "" {
		return s.fail("the entrypoint runs %s, which is not a Go executable leve can read (%v): an interpreted language or a foreign binary needs files slim cannot see", s.rep.Program, err)
	}
	s.facts = fa
	s.rep.Linking, s.rep.Static = fa.rep.Linking.String(), fa.rep.Linking.Static
	if fa.basic {
		s.rep.Risks = append(s.rep.Risks, fmt.Sprintf("no run-time needs analysis for %s binaries: CA certificates, time zones and users are not looked for; keep them by their paths in the image", s.p.Arch))
	}
	s.needs = map[string]string{}
	for _, n := range fa.rep.Needs {
		s.needs[n.Kind] = strings.Join(n.Evidence, ", ")
	}
	return nil
}

// take adds a path of the image to what the slimmed image keeps, with why;
// the first reason given for a path stays.
func (s *slimming) take(p, why string) {
	p = strings.TrimPrefix(path.Clean("/"+p), "/")
	if _, ok := s.reasons[p]; !ok {
		s.keep = append(s.keep, p)
		s.reasons[p] = why
	}
}

// exists reports whether the image has a file at p.
func (s *slimming) exists(p string) bool {
	_, err := s.ifs.Stat(strings.TrimPrefix(p, "/"))
	return err == nil
}

// addLeve adds leve's own run-time files, where the image has none.
func (s *slimming) addLeve(why string, rf assemble.RuntimeFiles) {
	s.leveFiles = append(s.leveFiles, rf.Entries...)
	s.leveEnv = append(s.leveEnv, rf.Env...)
	for _, e := range rf.Entries {
		s.rep.Files = append(s.rep.Files, FileReport{Path: e.Path, Size: int64(len(e.Data)), Reason: why})
	}
}

// files chooses what the slimmed image holds besides the program: the
// run-time files its analysis asks for, a dynamic program's interpreter
// and libraries, the link the command names it by and o.Keep. It returns
// those paths with the symlinks and directories they go through.
func (s *slimming) files(ctx context.Context) ([]string, error) {
	if err := s.caCerts(); err != nil {
		return nil, err
	}
	if err := s.zoneInfo(ctx); err != nil {
		return nil, err
	}
	if err := s.users(); err != nil {
		return nil, err
	}
	if err := s.libraries(ctx); err != nil {
		return nil, err
	}
	if s.named != "" && s.named != s.prog {
		// The command names the program through a symlink: keep the link.
		s.take(s.named, "the path the command names the program by")
	}
	for _, k := range s.o.Keep {
		if !s.exists(k) {
			return nil, fmt.Errorf("slim %s: %w", s.o.Image, &KeepError{Path: k})
		}
		s.take(k, "asked to be kept")
	}
	if len(s.o.Keep) == 0 {
		s.rep.Risks = append(s.rep.Risks, "files the program opens at run time (configuration, templates, data) are not seen by slim: keep them by their paths in the image")
	}
	closure, err := s.ifs.Closure(s.keep...)
	if err != nil {
		return nil, fmt.Errorf("slim %s: %w", s.o.Image, err)
	}
	return closure, nil
}

// caCerts keeps the image's CA bundle when the program verifies TLS
// certificates, or adds leve's where the image has none.
func (s *slimming) caCerts() error {
	ev, ok := s.needs[exe.NeedCACerts]
	if !ok {
		return nil
	}
	cands := caFiles
	if f := envValue(s.cf.Config.Env, "SSL_CERT_FILE"); f != "" {
		cands = []string{f}
	}
	for _, f := range cands {
		if s.exists(f) {
			s.take(f, "CA certificates from the image ("+firstOf(ev)+")")
			return nil
		}
	}
	rf, err := assemble.CACertificates("bundle")
	if err != nil {
		return err
	}
	s.addLeve("CA certificates from leve's pinned Mozilla bundle: the image has none ("+firstOf(ev)+")", rf)
	s.rep.Risks = append(s.rep.Risks, "the image has no CA bundle where Go looks for one; leve's Mozilla roots were added")
	return nil
}

// zoneInfo keeps the image's time zone data when the program loads time
// zones, or adds the Go toolchain's where the image has none.
func (s *slimming) zoneInfo(ctx context.Context) error {
	ev, ok := s.needs[exe.NeedTZData]
	if !ok {
		return nil
	}
	zi := envValue(s.cf.Config.Env, "ZONEINFO")
	switch {
	case zi != "" && s.exists(zi):
		s.take(zi, "time zone data from the image, ZONEINFO ("+firstOf(ev)+")")
	case s.exists("/usr/share/zoneinfo"):
		s.take("/usr/share/zoneinfo", "time zone data from the image ("+firstOf(ev)+")")
	default:
		goroot, err := goRoot(ctx)
		if err != nil {
			return s.fail("the program loads time zones, the image has no zoneinfo and %v", err)
		}
		rf, err := assemble.ZoneInfo(goroot)
		if err != nil {
			return err
		}
		s.addLeve("time zone data from the Go toolchain: the image has none ("+firstOf(ev)+")", rf)
	}
	return nil
}

// users keeps the image's passwd and group files and, for a static
// program that looks up hosts, its host lookup order (leve's when the
// image has none).
func (s *slimming) users() error {
	c := s.cf.Config
	_, users := s.needs[exe.NeedUsers]
	// The runtime sets HOME from the user's passwd entry and resolves a
	// user name there, and os/user reads both files: they stay whenever
	// the image has them (a few hundred bytes).
	for _, f := range []string{"/etc/passwd", "/etc/group"} {
		if s.exists(f) {
			why := "users and groups from the image (the user " + orDefault(c.User, "root") + " and its HOME"
			if users {
				why += ", os/user"
			}
			s.take(f, why+")")
		}
	}
	if !s.exists("/etc/passwd") && c.User != "" && !numericUser(c.User) {
		return s.fail("the image runs as the user %q and has no /etc/passwd to say who that is", c.User)
	}
	if ev, dns := s.needs[exe.NeedDNS]; dns {
		if s.exists("/etc/nsswitch.conf") {
			s.take("/etc/nsswitch.conf", "host lookup order from the image ("+firstOf(ev)+")")
		} else if s.facts.rep.Linking.Static {
			s.addLeve("host lookup order (hosts: files dns): the image has no /etc/nsswitch.conf ("+firstOf(ev)+")", assemble.NSSwitch())
		}
	}
	return nil
}

// libraries keeps a dynamic program's interpreter and the closure of its
// DT_NEEDED libraries, from the image, and names what it may load unseen.
func (s *slimming) libraries(ctx context.Context) error {
	l := s.facts.rep.Linking
	if l.Static {
		return nil
	}
	_, users := s.needs[exe.NeedUsers]
	_, dns := s.needs[exe.NeedDNS]
	libs, err := libraryClosure(ctx, s.ifs, l, s.p.Arch, users || dns, s.o.Keep, envValue(s.cf.Config.Env, "LD_LIBRARY_PATH"))
	if err != nil {
		return fmt.Errorf("slim %s: %w", s.o.Image, &LibraryError{Program: s.rep.Program, Err: err})
	}
	s.rep.Interpreter = l.Interpreter
	for _, lib := range libs {
		s.rep.Libraries = append(s.rep.Libraries, "/"+lib)
		s.take(lib, "shared library of "+s.rep.Program+", from the image")
	}
	if (users || dns) && s.exists("/etc/nsswitch.conf") {
		s.take("/etc/nsswitch.conf", "glibc's NSS configuration, from the image")
	}
	if ef, err := elf.NewFile(bytes.NewReader(s.data)); err == nil {
		if syms, err := ef.ImportedSymbols(); err == nil && slices.ContainsFunc(syms, func(s elf.ImportedSymbol) bool { return s.Name == "dlopen" }) {
			s.rep.Risks = append(s.rep.Risks, s.rep.Program+" calls dlopen: the libraries it loads at run time are unknown to slim; keep them by their paths in the image")
		}
	}
	s.rep.Risks = append(s.rep.Risks, "glibc may load NSS modules and gconv converters it was not linked with; slim keeps the NSS modules only when the program looks up users or hosts")
	return nil
}

// binary strips the program (and packs it when asked) in a builder whose
// report is the slimmed image's.
func (s *slimming) binary(ctx context.Context, tmp string) (*builder, *Report, error) {
	o, r := s.o, s.facts.rep
	b := &builder{o: Options{CacheDir: o.CacheDir, Pack: o.Pack, Layers: o.Layers, Progress: func(Event) {}}, platform: s.p, tmp: tmp, data: s.data, facts: s.facts}
	b.bin.Package.Name = path.Base(s.prog)
	build := &Report{SchemaVersion: SchemaVersion, Outputs: []Output{}, Images: []ImageReport{{Platform: s.p.String()}}}
	b.rep = &build.Images[0]
	b.rep.Binary = BinaryReport{Name: path.Base(s.prog), Path: s.rep.Program, Package: r.Main.Path, Module: r.Main.Path, GoVersion: r.GoVersion, Static: r.Linking.Static, SizeBefore: int64(len(s.data)), Needs: needsOf(r)}
	if !o.NoStrip {
		out, _, err := optimize.Strip(b.data)
		if err != nil {
			return nil, nil, fmt.Errorf("slim %s: stripping %s: %w", o.Image, s.rep.Program, err)
		}
		b.data, b.rep.Binary.Stripped = out, true
	}
	if o.Pack {
		if _, err := b.packBinary(ctx); err != nil {
			return nil, nil, err
		}
		b.rep.Binary.Packed = true
	}
	b.rep.Binary.SizeAfter = int64(len(b.data))
	return b, build, nil
}

// layers writes the slimmed image's layers: the image's files (closure)
// with leve's, then the binary bin in a layer of its own.
func (s *slimming) layers(ctx context.Context, closure []string, tmp string, bin []byte) ([]*assemble.Layer, error) {
	comp := assemble.ChooseCompressor(s.o.Layers.Compression, s.o.Layers.Level)
	inDir := assemble.InDir(filepath.Join(tmp, "layers"))
	entries, err := imageEntries(ctx, s.ifs, closure, filepath.Join(tmp, "root"), s.prog)
	if err != nil {
		return nil, fmt.Errorf("slim %s: %w", s.o.Image, err)
	}
	for _, e := range entries {
		if why, ok := s.reasons[strings.TrimPrefix(e.Path, "/")]; ok {
			s.rep.Files = append(s.rep.Files, FileReport{Path: e.Path, Size: fileSize(e), Reason: why})
		}
	}
	// A writable /tmp, as every image's: os.TempDir's users need it.
	entries = append(entries, assemble.Entry{Path: "/tmp", Mode: fs.ModeDir | fs.ModeSticky | 0o777})
	if s.workDir != "/" && !slices.ContainsFunc(entries, func(e assemble.Entry) bool { return e.Path == path.Clean(s.workDir) }) {
		entries = append(entries, parentDirs(path.Clean(s.workDir)+"/x", entries)...)
	}
	entries = append(entries, s.leveFiles...)
	var layers []*assemble.Layer
	if len(entries) > 0 {
		l, err := assemble.NewLayerContext(ctx, entries, comp, nil, "leve slim: run-time files from the original image", inDir)
		if err != nil {
			return nil, fmt.Errorf("slimming: %w", err)
		}
		layers = append(layers, l)
	}
	mode := fs.FileMode(0o755)
	if e, err := s.ifs.Stat(s.prog); err == nil {
		mode = e.Mode.Perm()
	}
	binEntries := append(parentDirs(s.rep.Program, entries), assemble.Entry{Path: s.rep.Program, Mode: mode, Data: bin})
	app, err := assemble.NewLayerContext(ctx, binEntries, comp, nil, "leve slim: "+s.rep.Program, inDir)
	if err != nil {
		return nil, fmt.Errorf("slimming: %w", err)
	}
	return append(layers, app), nil
}

// image assembles the slimmed image on base from layers, with the config
// that still makes sense: what cannot be carried over is named in
// rep.Dropped.
func (s *slimming) image(base v1.Image, layers []*assemble.Layer) (v1.Image, error) {
	c := s.cf.Config
	env := slices.Clone(c.Env)
	for _, kv := range s.leveEnv {
		env = setEnv(env, kv)
	}
	cfg := assemble.Config{
		OS: s.p.OS, Architecture: s.p.Arch, Variant: s.p.Variant,
		Entrypoint: s.command, Cmd: s.cmd, WorkingDir: c.WorkingDir, User: c.User, Env: env,
		Labels: maps.Clone(c.Labels), Created: s.cf.Created.Time.UTC(),
		Annotations: map[string]string{"org.opencontainers.image.title": path.Base(s.prog)},
	}
	if cfg.Created.IsZero() || cfg.Created.Before(time.Unix(0, 0)) {
		cfg.Created = time.Unix(0, 0).UTC()
	}
	for port := range c.ExposedPorts {
		cfg.ExposedPorts = append(cfg.ExposedPorts, port)
	}
	slices.Sort(cfg.ExposedPorts)
	s.rep.Kept = append(s.rep.Kept, keptFields(c)...)
	img, err := assemble.Image(base, layers, cfg)
	if err != nil {
		return nil, err
	}
	ncf, err := img.ConfigFile()
	if err != nil {
		return nil, fmt.Errorf("slimming: %w", err)
	}
	ncf = ncf.DeepCopy()
	ncf.Config.StopSignal = c.StopSignal
	ncf.Config.Volumes = c.Volumes
	if hc := c.Healthcheck; hc != nil {
		if keepHealthcheck(hc.Test, s.rep.Program, s.command[0]) {
			ncf.Config.Healthcheck = hc
			s.rep.Kept = append(s.rep.Kept, fmt.Sprintf("HEALTHCHECK %q", hc.Test))
		} else {
			s.rep.Dropped = append(s.rep.Dropped, fmt.Sprintf("HEALTHCHECK %q: it runs a shell or another program, which the slimmed image does not hold", hc.Test))
		}
	}
	if c.Shell != nil {
		s.rep.Dropped = append(s.rep.Dropped, fmt.Sprintf("SHELL %q: the slimmed image has no shell", c.Shell))
	}
	if len(c.OnBuild) > 0 {
		s.rep.Dropped = append(s.rep.Dropped, "ONBUILD: build instructions for images built on this one")
	}
	out, err := mutate.ConfigFile(img, ncf)
	if err != nil {
		return nil, fmt.Errorf("slimming: %w", err)
	}
	return out, nil
}
