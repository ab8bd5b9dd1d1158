package compile

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/leve-build/leve/internal/oneline"
)

// Options are the go build settings for one target.
type Options struct {
	Platform Platform
	Ldflags  []string // extra -ldflags, e.g. "-X main.version=1.2"
	Tags     []string // build tags
	Gcflags  []string // -gcflags
	Strip    bool     // pass -s -w to the linker
	Cgo      bool     // build with CGO_ENABLED=1 (the default is 0: a static binary)
	// DumpDep appends -dumpdep to the linker flags and reads the linker's
	// dependency dump as it streams into Binary.Deps. The binary is the
	// same; the link is never skipped.
	DumpDep bool
	Stderr  io.Writer
}

// Binary is the result of a build.
type Binary struct {
	Package  Package
	Platform Platform
	Path     string        // the binary written by go build
	Size     int64         // its size in bytes
	Duration time.Duration // how long go build took
	Deps     *DepGraph     // the linker's dependency dump, with Options.DumpDep
}

// Build compiles pkg with -trimpath (and CGO_ENABLED=0 unless o.Cgo) into a file under
// outDir. The output path depends only on the package and options, so a
// warm rebuild lets go build see an up-to-date binary and skip the link.
func Build(ctx context.Context, pkg Package, outDir string, o Options) (Binary, error) {
	dir := filepath.Join(outDir, o.key(pkg))
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return Binary{}, fmt.Errorf("compiling %s: %w", pkg.Name, err)
	}
	out := filepath.Join(dir, pkg.Name)
	args := append([]string{"build", "-trimpath", "-o", out}, o.flags()...)
	args = append(args, pkg.Args...)
	cmd := exec.CommandContext(ctx, "go", args...)
	cmd.Dir = pkg.Dir
	cgo := "CGO_ENABLED=0"
	if o.Cgo {
		cgo = "CGO_ENABLED=1"
	}
	cmd.Env = append(os.Environ(), append(o.Platform.Env(), cgo)...)
	var diag bytes.Buffer
	cmd.Stdout = io.Discard
	cmd.Stderr = &diag
	if o.Stderr != nil {
		cmd.Stderr = io.MultiWriter(o.Stderr, &diag)
	}
	var deps *DepGraph
	var depErr error
	var wait func()
	if o.DumpDep {
		// An up-to-date binary is not linked again, and prints no dump.
		if err := os.Remove(out); err != nil && !os.IsNotExist(err) {
			return Binary{}, fmt.Errorf("compiling %s: %w", pkg.Name, err)
		}
		pr, pw := io.Pipe()
		rest := cmd.Stderr
		cmd.Stderr = pw
		done := make(chan struct{})
		go func() {
			defer close(done)
			deps, depErr = ReadDumpDep(pr, rest)
			io.Copy(io.Discard, pr) // after a read error, let go build finish
		}()
		wait = func() { pw.Close(); <-done }
	}
	start := time.Now()
	err := cmd.Run()
	if wait != nil {
		wait()
	}
	if err == nil && depErr != nil {
		return Binary{}, fmt.Errorf("compiling %s: %w", pkg.Name, depErr)
	}
	if err != nil {
		if ctx.Err() != nil {
			return Binary{}, fmt.Errorf("compiling %s: %w", pkg.Name, ctx.Err())
		}
		return Binary{}, fmt.Errorf("compiling %s for %s: %w (%v): %s; fix the errors the compiler reported above", pkg.Name, o.Platform, ErrCompile, err, oneline.First(firstDiagnostic(diag.String())))
	}
	fi, err := os.Stat(out)
	if err != nil {
		return Binary{}, fmt.Errorf("compiling %s: %w", pkg.Name, err)
	}
	return Binary{Package: pkg, Platform: o.Platform, Path: out, Size: fi.Size(), Duration: time.Since(start), Deps: deps}, nil
}

// flags returns the go build flags for o, after -trimpath.
func (o Options) flags() []string {
	var ld []string
	if o.Strip {
		ld = append(ld, "-s", "-w")
	}
	ld = append(ld, o.Ldflags...)
	if o.DumpDep {
		ld = append(ld, "-dumpdep")
	}
	var f []string
	if len(ld) > 0 {
		f = append(f, "-ldflags="+strings.Join(ld, " "))
	}
	if len(o.Tags) > 0 {
		f = append(f, "-tags="+strings.Join(o.Tags, ","))
	}
	if len(o.Gcflags) > 0 {
		f = append(f, "-gcflags="+strings.Join(o.Gcflags, " "))
	}
	return f
}

// key names the output directory of one package, platform and flag set.
func (o Options) key(pkg Package) string {
	h := sha256.New()
	fmt.Fprintf(h, "%s\x00%s\x00%s\x00%s\x00%q\x00%t", pkg.Dir, pkg.ImportPath, strings.Join(pkg.Args, "\x00"), o.Platform, o.flags(), o.Cgo)
	return hex.EncodeToString(h.Sum(nil))[:20]
}

// firstDiagnostic picks the first compiler message line from go build's
// output, skipping its "# package" headers.
func firstDiagnostic(s string) string {
	for _, line := range strings.Split(s, "\n") {
		line = strings.TrimSpace(line)
		if line != "" && !strings.HasPrefix(line, "#") {
			return line
		}
	}
	return "no diagnostics"
}
