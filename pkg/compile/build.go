package compile

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
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
	Stderr   io.Writer
}

// Binary is the result of a build.
type Binary struct {
	Package  Package
	Platform Platform
	Path     string        // the binary written by go build
	Size     int64         // its size in bytes
	Duration time.Duration // how long go build took
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
	cmd := GoCommand(ctx, args...)
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
	start := time.Now()
	if err := cmd.Run(); err != nil {
		if ctx.Err() != nil {
			return Binary{}, fmt.Errorf("compiling %s: %w", pkg.Name, ctx.Err())
		}
		return Binary{}, fmt.Errorf("compiling %s for %s: %w (%v): %s; fix the errors the compiler reported above", pkg.Name, o.Platform, ErrCompile, err, oneline.First(firstDiagnostic(diag.String())))
	}
	fi, err := os.Stat(out)
	if err != nil {
		return Binary{}, fmt.Errorf("compiling %s: %w", pkg.Name, err)
	}
	return Binary{Package: pkg, Platform: o.Platform, Path: out, Size: fi.Size(), Duration: time.Since(start)}, nil
}

// flags returns the go build flags for o, after -trimpath.
func (o Options) flags() []string {
	var ld []string
	if o.Strip {
		ld = append(ld, "-s", "-w")
	}
	ld = append(ld, o.Ldflags...)
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
