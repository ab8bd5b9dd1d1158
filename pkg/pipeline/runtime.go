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
			b.rep.Files = append(b.rep.Files, FileReport{Path: e.Path, Size: int64(len(e.Data)), Reason: r})
		}
		for i := range b.rep.Binary.Needs {
			if b.rep.Binary.Needs[i].Kind == kind {
				b.rep.Binary.Needs[i].InImage = true
			}
		}
	}
	need := func(kind string) (string, bool) {
		for _, n := range b.rep.Binary.Needs {
			if n.Kind == kind {
				return n.Evidence, true
			}
		}
		return "", false
	}
	if ev, ok := need(exe.NeedCACerts); (ok && b.o.Files.CACerts.Kind != CANone) || b.o.Files.CACerts.forced() || len(b.o.Files.AddCACerts) > 0 {
		src := b.o.Files.CACerts.bundle()
		rf, err := assemble.CACertificates(src, b.o.Files.AddCACerts...)
		if err != nil {
			return all, err
		}
		from := src
		if len(b.o.Files.AddCACerts) > 0 {
			from += " + " + strings.Join(b.o.Files.AddCACerts, " + ")
		}
		add(exe.NeedCACerts, reason("CA certificates", ev, from), rf)
	}
	if ev, ok := need(exe.NeedTZData); ok && b.o.Files.TZData != FileNone {
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
	if !r.Linking.Static && b.o.Files.Libs == LibsCopy {
		if b.platform.Arch != runtime.GOARCH {
			return all, &LibsArchError{Host: runtime.GOARCH, Platform: b.platform}
		}
		_, users := need(exe.NeedUsers)
		_, dns := need(exe.NeedDNS)
		rf, err := assemble.SharedLibraries(r.Linking.Interpreter, r.Linking.Needed, users || dns)
		if err != nil {
			return all, err
		}
		add(exe.NeedLibs, "shared library for "+b.rep.Binary.Name+", copied from the build host", rf)
		b.nssCopied = users || dns
	}
	if ev, ok := need(exe.NeedDNS); ok && b.o.Files.NSSwitch != FileNone && !b.nssCopied {
		add(exe.NeedDNS, reason("host lookup order", ev, "hosts: files dns"), assemble.NSSwitch())
	}
	if _, ok := need(exe.NeedUsers); ok && b.o.Files.Passwd != FileNone {
		for i := range b.rep.Binary.Needs {
			if b.rep.Binary.Needs[i].Kind == exe.NeedUsers {
				b.rep.Binary.Needs[i].InImage = true
			}
		}
	}
	if _, ok := need(exe.NeedTempDir); ok {
		for i := range b.rep.Binary.Needs {
			if b.rep.Binary.Needs[i].Kind == exe.NeedTempDir {
				b.rep.Binary.Needs[i].InImage = true
			}
		}
	}
	return all, nil
}

func reason(what, evidence, source string) string {
	if evidence == "" {
		return fmt.Sprintf("%s from %s (asked for)", what, source)
	}
	return fmt.Sprintf("%s from %s (%s)", what, source, firstOf(evidence))
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
// (Options.Libs LibsCopy) into an image for another architecture.
type LibsArchError struct {
	Host     string // the build host's GOARCH
	Platform platform.Platform
}

func (e *LibsArchError) Error() string {
	return fmt.Sprintf("copying libraries takes the build host's %s libraries, and the image is for %s; choose a base image with %s libraries", e.Host, e.Platform, e.Platform.Arch)
}
