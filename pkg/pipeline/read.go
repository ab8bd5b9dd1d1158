package pipeline

import (
	"bytes"
	"debug/buildinfo"
	"debug/elf"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/leve-build/leve/pkg/exe"
)

// facts is what the read stage learns about a binary.
type facts struct {
	rep     *exe.Report
	setting map[string]string
	vcsTime time.Time
	// basic is set when the architecture is one pkg/exe does not analyse:
	// no package sizes and no run-time needs are known.
	basic bool
}

// read analyses a binary with pkg/exe: build info, linking, the bytes per
// package and what it needs at run time. The analysis reads data in place:
// the report it returns does not refer to data.
func read(data []byte) (*facts, error) {
	f, err := exe.NewFileBytes(data)
	if errors.Is(err, exe.ErrUnsupportedArch) {
		return readBasic(data)
	}
	if err != nil {
		return nil, fmt.Errorf("reading binary: %w", err)
	}
	rep, err := f.Report()
	if errors.Is(err, exe.ErrUnsupportedArch) {
		return readBasic(data)
	}
	if err != nil {
		return nil, fmt.Errorf("reading binary: %w", err)
	}
	fa := &facts{rep: rep, setting: map[string]string{}}
	for _, s := range rep.Settings {
		fa.setting[s.Key] = s.Value
	}
	if t, err := time.Parse(time.RFC3339, fa.setting["vcs.time"]); err == nil {
		fa.vcsTime = t
	}
	return fa, nil
}

// topPackages returns the n packages owning the most bytes.
func topPackages(r *exe.Report, n int) []PackageReport {
	pkgs := append([]exe.PackageSize(nil), r.Packages...)
	sort.SliceStable(pkgs, func(i, j int) bool { return pkgs[i].Total > pkgs[j].Total })
	out := []PackageReport{}
	for i := 0; i < len(pkgs) && i < n; i++ {
		out = append(out, PackageReport{Path: pkgs[i].Path, Size: pkgs[i].Total})
	}
	return out
}

// needsOf converts the analysis' run-time needs for the report.
func needsOf(r *exe.Report) []Need {
	out := []Need{}
	for _, n := range r.Needs {
		out = append(out, Need{Kind: n.Kind, Evidence: strings.Join(n.Evidence, ", "), Files: n.Files})
	}
	return out
}

// suggestionsOf lists the changes to the program worth a line in the build
// report: the method dead-code elimination that reflection turned off.
func suggestionsOf(r *exe.Report) []string {
	if m := r.MethodDeadCode; m != nil && m.Disabled && m.EstimatedCost != nil {
		return []string{exe.MethodDeadCodeText(m) + " (leve analyze shows the call chains)"}
	}
	return nil
}

// readBasic reads what leve needs of a binary for an architecture
// pkg/exe does not analyse (ppc64le, s390x, riscv64, …): the build info
// and the linking, without the bytes per package or the run-time needs.
func readBasic(data []byte) (*facts, error) {
	f, err := elf.NewFile(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("reading binary: %w", err)
	}
	defer f.Close()
	info, err := buildinfo.Read(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("reading binary: no Go build info: %w", err)
	}
	rep := &exe.Report{GoVersion: info.GoVersion, Main: exe.Module{Path: info.Main.Path, Version: info.Main.Version}, Linking: exe.Linking{Static: true}}
	for _, s := range info.Settings {
		rep.Settings = append(rep.Settings, exe.Setting{Key: s.Key, Value: s.Value})
	}
	for _, p := range f.Progs {
		if p.Type == elf.PT_INTERP {
			rep.Linking.Static = false
			b := make([]byte, p.Filesz)
			if _, err := p.ReadAt(b, 0); err == nil {
				rep.Linking.Interpreter = string(bytes.TrimRight(b, "\x00"))
			}
		}
	}
	if libs, err := f.ImportedLibraries(); err == nil && len(libs) > 0 {
		rep.Linking.Static, rep.Linking.Needed = false, libs
	}
	rep.Linking.PIE = f.Type == elf.ET_DYN
	for _, s := range info.Settings {
		rep.Linking.Cgo = rep.Linking.Cgo || s.Key == "CGO_ENABLED" && s.Value == "1"
	}
	fa := &facts{rep: rep, setting: map[string]string{}, basic: true}
	for _, s := range rep.Settings {
		fa.setting[s.Key] = s.Value
	}
	if t, err := time.Parse(time.RFC3339, fa.setting["vcs.time"]); err == nil {
		fa.vcsTime = t
	}
	return fa, nil
}

// linkingError refuses the dynamic binary name for an image without the
// libraries it needs (a scratch base, libraries not copied).
func linkingError(name string, l exe.Linking) error { return &LinkingError{Name: name, Linking: l} }

// A LinkingError refuses a dynamic binary for an image without the
// libraries it needs (a scratch base, Options.Files.Libs not LibsCopy), saying
// what it needs and what to change: drop -buildmode=pie for a PIE without
// cgo, else cgo.
type LinkingError struct {
	Name    string // the binary's name
	Linking exe.Linking
}

// LinkingFixes are the words for the fixes a LinkingError offers.
type LinkingFixes struct {
	NoCgo    string // "build without cgo (CGO_ENABLED=0)"
	CopyLibs string // "copy …" : Options.Files.Libs LibsCopy
	Base     string // "choose a base image": Options.Base
}

func (e *LinkingError) Error() string {
	return e.Message(LinkingFixes{NoCgo: "build with CGO_ENABLED=0", CopyLibs: "copy them from the build host", Base: "choose a base image"})
}

// Message returns the error as one line with f's words for its fixes.
func (e *LinkingError) Message(f LinkingFixes) string {
	l := e.Linking
	if l.PIEOnly() {
		loader := l.Interpreter
		if loader == "" {
			loader = "the dynamic loader"
		}
		return fmt.Sprintf("reading binary %s: it was built as a position-independent executable (-buildmode=pie, e.g. from GOFLAGS) and needs the dynamic loader %s, which scratch lacks; build it without -buildmode=pie (unset it in GOFLAGS, or GOFLAGS=), %s, or %s that has the loader", e.Name, loader, f.CopyLibs, f.Base)
	}
	libs := "none"
	if len(l.Needed) > 0 {
		libs = strings.Join(l.Needed, ", ")
	}
	return fmt.Sprintf("reading binary %s: it is dynamically linked (interpreter %s, libraries %s) and cannot run on scratch; %s, %s, or %s that has those libraries", e.Name, l.Interpreter, libs, f.NoCgo, f.CopyLibs, f.Base)
}
