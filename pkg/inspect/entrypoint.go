package inspect

import (
	"bytes"
	"context"
	"debug/elf"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"strings"

	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/leve-build/leve/internal/mmapfile"
	"github.com/leve-build/leve/pkg/exe"
	"github.com/leve-build/leve/pkg/imagefs"
	"github.com/leve-build/leve/pkg/optimize"
	"github.com/leve-build/leve/pkg/pack"
)

// DefaultMaxBinaryBytes bounds the size of the entrypoint leve analyses.
const DefaultMaxBinaryBytes int64 = 1 << 30

// defaultPath is the PATH a container runtime sets when the image has none.
const defaultPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

// Entrypoint is the program an image runs, resolved inside it.
type Entrypoint struct {
	// Command is the entrypoint followed by the command, as configured.
	Command []string `json:"command"`
	// ShellForm says Command is "/bin/sh -c SCRIPT"; Program is then the
	// script's first word.
	ShellForm bool `json:"shellForm"`
	// Program is the name the command runs, before resolution.
	Program string `json:"program"`
	// WorkingDir is the config's working directory ("/" when unset).
	WorkingDir string `json:"workingDir"`
	// PATH is the search path used for a bare name.
	PATH string `json:"path"`
	// File is the absolute path, inside the image, of the file it runs;
	// empty when it could not be resolved (see Error).
	File string `json:"file,omitempty"`
	// Error says why File or its analysis could not be found.
	Error string `json:"error,omitempty"`
	// Size is the file's size in bytes.
	Size int64 `json:"size,omitempty"`
	// ELF says the file is an ELF executable; a script is not.
	ELF bool `json:"elf"`
	// Static says it has no ELF interpreter.
	Static bool `json:"static"`
	// Interpreter is its ELF interpreter, and InterpreterFound whether the
	// image has it.
	Interpreter      string `json:"interpreter,omitempty"`
	InterpreterFound bool   `json:"interpreterFound,omitempty"`
	// Libraries are its DT_NEEDED entries and where the image has them.
	Libraries []Library `json:"libraries,omitempty"`
	// Go is leve's analysis when it is a Go executable.
	Go *GoBinary `json:"go,omitempty"`
}

// Library is one shared library a dynamic executable needs.
type Library struct {
	// Name is the DT_NEEDED entry.
	Name string `json:"name"`
	// Path is where the image has it; empty when it does not.
	Path string `json:"path,omitempty"`
}

// GoBinary is leve's analysis of a Go entrypoint.
type GoBinary struct {
	// GoVersion is the toolchain that built it; Main its main module.
	GoVersion string `json:"goVersion"`
	Main      string `json:"main,omitempty"`
	// Stripped says it has no symbol table and no DWARF.
	Stripped bool `json:"stripped"`
	// SymtabBytes and DWARFBytes are what a strip removes of each.
	SymtabBytes int64 `json:"symtabBytes"`
	DWARFBytes  int64 `json:"dwarfBytes"`
	// StrippedSize is the size after pkg/optimize.Strip; StripSaves the
	// bytes it saves.
	StrippedSize int64 `json:"strippedSize"`
	StripSaves   int64 `json:"stripSaves"`
	// PackedSize is the predicted size of the stripped file packed by
	// leve's packer, PackSaves what packing saves on top of stripping;
	// both 0 when no prediction could be made.
	PackedSize int64 `json:"packedSize,omitempty"`
	PackSaves  int64 `json:"packSaves,omitempty"`
	// Cgo says runtime/cgo is linked.
	Cgo bool `json:"cgo"`
	// Needs lists the files and libraries it needs at run time.
	Needs []Need `json:"needs,omitempty"`
	// Report is the analysis: with Options.Treemap the full one, for the
	// HTML treemap, else exe.File.Summary's; not in JSON.
	Report *exe.Report `json:"-"`
}

// Need is one kind of run-time file a Go executable needs.
type Need struct {
	Kind   string   `json:"kind"`
	Files  []string `json:"files,omitempty"`
	Detail string   `json:"detail,omitempty"`
}

var shells = map[string]bool{"/bin/sh": true, "sh": true, "/bin/bash": true, "bash": true, "/bin/ash": true, "/bin/dash": true}

// entrypoint resolves the config's command to the file it runs and
// analyses it. Problems are recorded in Error, never returned: an image
// without a resolvable program is still inspected.
func entrypoint(ctx context.Context, fsys *imagefs.FS, c *v1.Config, o Options) *Entrypoint {
	argv := command(c)
	if len(argv) == 0 {
		return nil
	}
	ep := &Entrypoint{Command: argv, WorkingDir: c.WorkingDir, PATH: defaultPath}
	ep.Program, ep.ShellForm = programOf(argv)
	if ep.WorkingDir == "" {
		ep.WorkingDir = "/"
	}
	for _, e := range c.Env {
		if v, ok := strings.CutPrefix(e, "PATH="); ok {
			ep.PATH = v
		}
	}
	if ep.ShellForm && ep.Program == "" {
		ep.Error = fmt.Sprintf("the shell-form command %q runs no program leve can name", argv[2])
		return ep
	}
	p, err := fsys.LookPath(ep.Program, ep.PATH, ep.WorkingDir)
	if err != nil {
		ep.Error = fmt.Sprintf("%s is not an executable file of the image: %v", ep.Program, err)
		return ep
	}
	ep.File = "/" + strings.TrimPrefix(p, "/")
	if err := analyse(ctx, fsys, ep, o); err != nil {
		ep.Error = err.Error()
	}
	return ep
}

// command is the config's Entrypoint followed by its Cmd.
func command(c *v1.Config) []string {
	if len(c.Entrypoint) == 0 {
		return append([]string{}, c.Cmd...)
	}
	return append(append([]string{}, c.Entrypoint...), c.Cmd...)
}

// programOf names the program the command argv (not empty) runs: its
// first word, or for a shell's -c, the first word of the script (""
// when it runs none), shellForm then true.
func programOf(argv []string) (prog string, shellForm bool) {
	if len(argv) >= 3 && shells[argv[0]] && argv[1] == "-c" {
		return scriptProgram(argv[2]), true
	}
	return argv[0], false
}

// programBase is the base name of the program the config's command runs,
// as entrypoint names it; "" when there is none.
func programBase(c *v1.Config) string {
	argv := command(c)
	if len(argv) == 0 {
		return ""
	}
	if prog, _ := programOf(argv); prog != "" {
		return path.Base(prog)
	}
	return ""
}

// scriptProgram is the first word a shell runs for script: leading
// variable assignments and "exec" skipped, simple quotes removed.
func scriptProgram(script string) string {
	for _, w := range strings.Fields(script) {
		w = strings.Trim(w, `"'`)
		if w == "exec" || (strings.Contains(w, "=") && !strings.HasPrefix(w, "=") && !strings.Contains(w, "/")) {
			continue
		}
		return w
	}
	return ""
}

// analyse copies the file to a temporary file and reads it as ELF and,
// when it is one, as a Go executable.
func analyse(ctx context.Context, fsys *imagefs.FS, ep *Entrypoint, o Options) error {
	max := o.MaxBinaryBytes
	if max == 0 {
		max = DefaultMaxBinaryBytes
	}
	st, err := fsys.Stat(ep.File)
	if err != nil {
		return fmt.Errorf("reading %s: %w", ep.File, err)
	}
	ep.Size = st.Size
	if st.Size > max {
		return fmt.Errorf("%s is %d bytes, over the %d bytes leve analyses", ep.File, st.Size, max)
	}
	tmp, err := os.CreateTemp(o.TempDir, "leve-inspect-*")
	if err != nil {
		return fmt.Errorf("copying %s: %w", ep.File, err)
	}
	defer os.Remove(tmp.Name())
	defer tmp.Close()
	if err := copyOut(ctx, fsys, ep.File, tmp, max); err != nil {
		return err
	}
	ef, err := elf.NewFile(tmp)
	if err != nil {
		return nil // a script or another non-ELF program: nothing more to say
	}
	defer ef.Close()
	ep.ELF = true
	for _, prog := range ef.Progs {
		if prog.Type == elf.PT_INTERP {
			b, err := io.ReadAll(io.LimitReader(prog.Open(), 4096))
			if err == nil {
				ep.Interpreter = strings.TrimRight(string(b), "\x00")
			}
		}
	}
	ep.Static = ep.Interpreter == ""
	if !ep.Static {
		_, err := fsys.Stat(ep.Interpreter)
		ep.InterpreterFound = err == nil
		needed, _ := ef.ImportedLibraries()
		for _, n := range needed {
			ep.Libraries = append(ep.Libraries, Library{Name: n, Path: findLibrary(fsys, n, ef.Machine)})
		}
	}
	rep, err := goReport(tmp, o.Treemap)
	if errors.Is(err, exe.ErrNotGo) || errors.Is(err, exe.ErrNoBuildInfo) || errors.Is(err, exe.ErrUnsupportedArch) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("analysing %s: %w", ep.File, err)
	}
	g := &GoBinary{
		GoVersion: rep.GoVersion, Main: rep.Main.Path, Stripped: rep.Strip.Stripped,
		SymtabBytes: rep.Strip.SymtabSize, DWARFBytes: rep.Strip.DWARFSize, Cgo: rep.Linking.Cgo, Report: rep,
	}
	for _, n := range rep.Needs {
		g.Needs = append(g.Needs, Need{Kind: n.Kind, Files: n.Files, Detail: n.Detail})
	}
	ep.Go = g
	b, release, err := programBytes(tmp, st.Size)
	if err != nil {
		return fmt.Errorf("reading %s: %w", ep.File, err)
	}
	defer release()
	stripped, sr, err := optimize.StripInPlace(b) // one copy of the program, not two
	if err != nil {
		return fmt.Errorf("stripping %s: %w", ep.File, err)
	}
	g.StrippedSize, g.StripSaves = sr.After, sr.Before-sr.After
	if est, err := pack.EstimateSizeAt(bytes.NewReader(stripped), int64(len(stripped))); err == nil && est.Size > 0 {
		g.PackedSize = est.Size
		g.PackSaves = sr.After - est.Size
	}
	return nil
}

// programBytes returns the first n bytes of the copied program f to be
// stripped in place: mapped copy-on-write where the system can, so that
// only the pages the strip writes and the pack estimate samples are
// resident, and only while they are read; else read into memory.
// release ends the mapping.
func programBytes(f *os.File, n int64) (b []byte, release func(), err error) {
	if b, unmap, ok := mmapfile.Map(f, n, mmapfile.CopyOnWrite); ok {
		return b, func() { _ = unmap() }, nil
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return nil, nil, err
	}
	b = make([]byte, n)
	if _, err := io.ReadFull(f, b); err != nil {
		return nil, nil, err
	}
	return b, func() {}, nil
}

// findLibrary looks for a DT_NEEDED library where the dynamic loaders of
// common distributions search by default.
func findLibrary(fsys *imagefs.FS, name string, m elf.Machine) string {
	triplet := map[elf.Machine]string{elf.EM_X86_64: "x86_64-linux-gnu", elf.EM_AARCH64: "aarch64-linux-gnu", elf.EM_386: "i386-linux-gnu", elf.EM_ARM: "arm-linux-gnueabihf"}[m]
	dirs := []string{"/lib", "/usr/lib", "/lib64", "/usr/lib64", "/usr/local/lib"}
	if triplet != "" {
		dirs = append(dirs, "/lib/"+triplet, "/usr/lib/"+triplet)
	}
	if strings.Contains(name, "/") {
		dirs = []string{"/"}
	}
	for _, d := range dirs {
		p := path.Join(d, name)
		if e, err := fsys.Stat(p); err == nil && e.Type == imagefs.TypeFile {
			return p
		}
	}
	return ""
}

// copyOut copies the image's file p, at most max bytes, to w, and closes
// the file at once: the reader holds one of the tree's layers.
func copyOut(ctx context.Context, fsys *imagefs.FS, p string, w io.Writer, max int64) error {
	rc, err := fsys.Open(ctx, p)
	if err != nil {
		return fmt.Errorf("reading %s: %w", p, err)
	}
	_, err = io.Copy(w, io.LimitReader(rc, max+1))
	if err = errors.Join(err, rc.Close()); err != nil {
		return fmt.Errorf("copying %s: %w", p, err)
	}
	return nil
}

// goReport analyses the Go executable r (full: exe.File.Report, else
// its Summary), closing what it opened before it returns, so that only
// the report stays in memory.
func goReport(r io.ReaderAt, full bool) (*exe.Report, error) {
	f, err := exe.NewFile(r)
	if err != nil {
		return nil, err
	}
	analyse := f.Summary
	if full {
		analyse = f.Report
	}
	rep, err := analyse()
	return rep, errors.Join(err, f.Close())
}
