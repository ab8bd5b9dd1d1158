package pipeline

import (
	"context"
	"fmt"
	"runtime"
	"strings"
	"sync"

	"github.com/leve-build/leve/pkg/assemble"
	"github.com/leve-build/leve/pkg/compile"
	"github.com/leve-build/leve/pkg/exe"
	"github.com/leve-build/leve/pkg/platform"
)

// runtimeFiles returns the run-time files the binary's needs call for, as
// the options allow, marks the needs they meet, and records each file in
// the report with its reason.
func (b *builder) runtimeFiles(ctx context.Context) (assemble.RuntimeFiles, error) {
	var all assemble.RuntimeFiles
	b.provided = map[string]bool{}
	add := func(kind, why string, rf assemble.RuntimeFiles) {
		all.Entries = append(all.Entries, rf.Entries...)
		all.Env = append(all.Env, rf.Env...)
		for _, e := range rf.Entries {
			r := why
			switch {
			case e.Target != "":
				r = "link to " + e.Target
			case e.Path == assemble.NSSwitchPath && kind == exe.NeedLibs:
				r = "glibc's NSS configuration for the modules copied from the build host"
			}
			b.files = append(b.files, FileReport{Path: e.Path, Size: int64(len(e.Data)), Reason: r})
		}
		b.provided[kind] = true
	}
	f := b.o.Files
	if ev, ok := b.need(exe.NeedCACerts); (ok && f.CACerts.Kind != CANone) || f.CACerts.forced() || len(f.AddCACerts) > 0 {
		src := f.CACerts.bundle()
		rf, err := assemble.CACertificates(src, f.AddCACerts...)
		if err != nil {
			return all, err
		}
		from := src
		if len(f.AddCACerts) > 0 {
			from += " + " + strings.Join(f.AddCACerts, " + ")
		}
		add(exe.NeedCACerts, reason("CA certificates", ev, from), rf)
	}
	if ev, ok := b.need(exe.NeedTZData); ok && f.TZData != FileNone {
		goroot, err := goRoot(ctx)
		if err != nil {
			return all, err
		}
		rf, err := assemble.ZoneInfo(goroot)
		if err != nil {
			return all, err
		}
		add(exe.NeedTZData, reason("time zone data", ev, "the Go toolchain's zoneinfo.zip"), rf)
	}
	r := b.facts.rep
	_, users := b.need(exe.NeedUsers)
	_, dns := b.need(exe.NeedDNS)
	if !r.Linking.Static && f.Libs == LibsCopy {
		if b.platform.Arch != runtime.GOARCH {
			return all, &LibsArchError{Host: runtime.GOARCH, Platform: b.platform}
		}
		rf, err := assemble.SharedLibraries(r.Linking.Interpreter, r.Linking.Needed, users || dns)
		if err != nil {
			return all, err
		}
		add(exe.NeedLibs, "shared library for "+b.name()+", copied from the build host", rf)
		b.nssCopied = users || dns
	}
	if ev, ok := b.need(exe.NeedDNS); ok && f.NSSwitch != FileNone && !b.nssCopied {
		add(exe.NeedDNS, reason("host lookup order", ev, "hosts: files dns"), assemble.NSSwitch())
	}
	if users && f.Passwd != FileNone {
		b.provided[exe.NeedUsers] = true // leve's /etc/passwd and /etc/group
	}
	if _, ok := b.need(exe.NeedTempDir); ok {
		b.provided[exe.NeedTempDir] = true // leve's /tmp
	}
	return all, nil
}

// reason says why a run-time file is in the image: what it is, where it
// comes from, and the analysis' first evidence of the need (none when
// the options asked for it).
func reason(what string, evidence []string, source string) string {
	if len(evidence) == 0 {
		return fmt.Sprintf("%s from %s (asked for)", what, source)
	}
	return fmt.Sprintf("%s from %s (%s)", what, source, evidence[0])
}

func firstOf(list string) string {
	s, _, _ := strings.Cut(list, ", ")
	return s
}

var goRootOnce struct {
	sync.Once
	dir string
	err error
}

// goRoot returns the Go toolchain's GOROOT, asked once per process.
func goRoot(ctx context.Context) (string, error) {
	goRootOnce.Do(func() {
		goRootOnce.dir, goRootOnce.err = compile.GOROOT(ctx)
		if goRootOnce.err != nil {
			goRootOnce.err = fmt.Errorf("finding GOROOT for time zone data: %w", goRootOnce.err)
		}
	})
	return goRootOnce.dir, goRootOnce.err
}

// A LibsArchError refuses to copy the build host's shared libraries
// (Options.Files.Libs LibsCopy) into an image for another architecture.
type LibsArchError struct {
	Host     string // the build host's GOARCH
	Platform platform.Platform
}

func (e *LibsArchError) Error() string {
	return fmt.Sprintf("copying libraries takes the build host's %s libraries, and the image is for %s; choose a base image with %s libraries", e.Host, e.Platform, e.Platform.Arch)
}
