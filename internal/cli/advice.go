package cli

import (
	"fmt"
	"strings"

	"github.com/leve-build/leve/pkg/assemble"
	"github.com/leve-build/leve/pkg/engine"
	"github.com/leve-build/leve/pkg/pipeline"
	"github.com/leve-build/leve/pkg/publish"
	"github.com/leve-build/leve/pkg/regopts"
	"github.com/leve-build/leve/pkg/store"
)

// registryFixes word a registry problem's fixes with leve's flags.
var registryFixes = regopts.Fixes{
	TrustCA:    "trust its CA with --registry-ca FILE (or SSL_CERT_FILE)",
	SkipVerify: "skip verification with --insecure",
	AllowHTTP:  "use --insecure for a plain-HTTP registry",
}

// flagAdvice rewords err for the command line: the libraries word the
// fixes of their typed errors without naming leve's flags, and each such
// error found in err's tree has its text replaced by the same line
// naming the flag to change. err is kept for errors.Is and errors.As.
func flagAdvice(err error) error {
	if err == nil {
		return nil
	}
	msg := err.Error()
	walkErrors(err, func(e error) {
		if text := adviceFor(e); text != "" {
			msg = strings.Replace(msg, e.Error(), text, 1)
		}
	})
	if msg == err.Error() {
		return err
	}
	return advised{msg: msg, err: err}
}

// adviceFor returns the command line's wording of e, or "" when e is not
// one of the typed errors that leave the flags out.
func adviceFor(e error) string {
	switch e := e.(type) {
	case *pipeline.AddError:
		return fmt.Sprintf("--add %s:%s: %v", e.Add.Src, e.Add.Dest, e.Err)
	case *pipeline.LinkingError:
		return e.Message(pipeline.LinkingFixes{NoCgo: "build without --cgo (CGO_ENABLED=0)", CopyLibs: "add --libs=copy", Base: "choose a --base"})
	case *pipeline.LibsArchError:
		return fmt.Sprintf("--libs=copy copies the build host's %s libraries, and the image is for %s; choose a --base with %s libraries", e.Host, e.Platform, e.Platform.Arch)
	case *pipeline.CgoError:
		return e.Message("build with --cgo")
	case *assemble.MissingLibError:
		return e.Message("choose a --base")
	case *pipeline.KeepError:
		return fmt.Sprintf("--keep %s: the image has no such file; name a path of the image", e.Path)
	case *pipeline.LibraryError:
		return e.Message("name it with --keep PATH")
	case *engine.ChoiceError:
		return fmt.Sprintf("--%s %q: %s", e.Setting, e.Value, e.WantText()) // its settings are named as the flags
	case *engine.NeedsRootError:
		return e.Message("use --engine docker or podman")
	case *publish.RootfsError:
		return e.Message("--rootfs")
	case *store.PatternError:
		return e.Message("--filter reference=" + e.Pattern)
	case *regopts.Problem:
		return e.Message(registryFixes)
	}
	return ""
}

// warningAdvice rewords, in each image of rep, the library warnings whose
// fix is a flag: today the read stage's for an architecture pkg/exe does
// not analyse (pipeline.ReadResult.Basic), which names the flags that
// add the files leve cannot see the need of.
func warningAdvice(rep *pipeline.Report) {
	for i := range rep.Images {
		img := &rep.Images[i]
		for _, s := range img.Stages {
			res, ok := s.Result.(*pipeline.ReadResult)
			if !ok || !res.Basic {
				continue
			}
			lib := pipeline.BasicArchWarning(res.Arch)
			for j, w := range img.Warnings {
				if w == lib {
					img.Warnings[j] = basicArchAdvice(res.Arch)
				}
			}
		}
	}
}

// basicArchAdvice is the command line's wording of
// pipeline.BasicArchWarning.
func basicArchAdvice(arch string) string {
	return fmt.Sprintf("no size analysis or run-time needs for %s binaries: pkg/exe reads amd64, arm64, 386 and arm; if the program needs them, add CA certificates with --ca-certs bundle (or host, or a PEM file), and time zone data or other files with --add SRC:DEST", arch)
}

// walkErrors calls f for err and every error it wraps, outermost first.
func walkErrors(err error, f func(error)) {
	if err == nil {
		return
	}
	f(err)
	switch u := err.(type) {
	case interface{ Unwrap() error }:
		walkErrors(u.Unwrap(), f)
	case interface{ Unwrap() []error }:
		for _, e := range u.Unwrap() {
			walkErrors(e, f)
		}
	}
}

// advised is an error reworded by flagAdvice.
type advised struct {
	msg string
	err error
}

func (a advised) Error() string { return a.msg }
func (a advised) Unwrap() error { return a.err }
