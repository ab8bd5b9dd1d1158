package compile

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/leve-build/leve/internal/oneline"
	"github.com/leve-build/leve/internal/span"
	"github.com/leve-build/leve/pkg/cache"
	"github.com/leve-build/leve/pkg/platform"
)

// Settings are the go build settings a user chooses for a target, the
// compile stage's option group: flags and leve.yaml map into it, and
// Resolve (Query), Imports and Build (Options) take it as it is.
type Settings struct {
	Ldflags []string // extra -ldflags, e.g. "-X main.version=1.2"
	Tags    []string // build tags
	Gcflags []string // -gcflags
	Cgo     bool     // build with CGO_ENABLED=1 (the default is 0: a static binary)
}

// Options are the go build settings for one target.
type Options struct {
	Platform platform.Platform
	Settings
	Strip bool // pass -s -w to the linker
	// NoDWARF passes -w to the linker: no DWARF, the symbol table kept.
	// Generating and compressing DWARF is about half of a link's CPU, so
	// a build whose binary is stripped afterwards should not link it;
	// the stripped result is the same but for the Go build ID (the
	// linker flags are part of the link's action ID).
	NoDWARF bool
	// DumpDep appends -dumpdep to the linker flags and reads the linker's
	// dependency dump as it streams into Binary.Deps. The binary is the
	// same; the link is never skipped.
	DumpDep bool
	Stderr  io.Writer
}

// Binary is the result of a build.
type Binary struct {
	Package  Package
	Platform platform.Platform
	Path     string        // the binary written by go build
	Size     int64         // its size in bytes
	Duration time.Duration // how long go build took
	Deps     *DepGraph     // the linker's dependency dump, with Options.DumpDep
	// Digest is "sha256:HEX" of the binary go build wrote, also recorded
	// beside it (Path + ".sha256") for the next build to verify.
	Digest string
	// Warnings say what Build had to repair, such as a damaged binary
	// left by an earlier build, which it removed and linked again.
	Warnings []string
	// data is the binary as Build read and hashed it, under the lock it
	// linked it with, until ReadFile hands it over.
	data []byte
}

// ReadFile returns the binary's bytes once checked against b.Digest,
// under the shared lock of its directory, so that no concurrent build of
// the same package can rewrite it while it is read. Bytes that differ
// from what go build wrote are an error wrapping cache.ErrMismatch.
//
// The first call after Build returns the bytes Build read and hashed
// while it held the directory's exclusive lock, without reading the file
// again, and lets go of them; later calls read the file.
func (b *Binary) ReadFile(ctx context.Context) ([]byte, error) {
	if data := b.data; data != nil {
		b.data = nil
		return data, nil
	}
	l, err := cache.LockDir(ctx, filepath.Dir(b.Path), false)
	if err != nil {
		return nil, fmt.Errorf("reading binary %s: %w", b.Path, err)
	}
	defer l.Unlock()
	data, err := os.ReadFile(b.Path)
	if err != nil {
		return nil, fmt.Errorf("reading binary %s: %w", b.Path, err)
	}
	if got := cache.Digest(data); got != b.Digest {
		return nil, fmt.Errorf("reading binary %s: %w: it is %s, go build wrote %s; build again", b.Path, cache.ErrMismatch, got, b.Digest)
	}
	return data, nil
}

// Build compiles pkg with -trimpath (and CGO_ENABLED=0 unless o.Cgo) into a file under
// outDir. The output path depends only on the package and options, so a
// warm rebuild lets go build see an up-to-date binary and skip the link.
//
// go build trusts an existing output whose build ID matches, whatever its
// other bytes, so Build first checks it against the digest recorded by
// the build that wrote it, and removes it when they differ (a warning in
// Binary.Warnings) or when no digest is recorded. Builds of the same
// output directory, in this process or others, run one at a time under
// an flock(2) lock on its lock file (pkg/cache.LockDir).
func Build(ctx context.Context, pkg Package, outDir string, o Options) (Binary, error) {
	if (o.DumpDep || o.NoDWARF || o.Strip) && len(o.Ldflags) == 0 {
		// leve's own -ldflags would replace those of GOFLAGS: keep them.
		if v := goflagsLdflags(ctx, pkg.Dir); v != "" {
			o.Ldflags = []string{v}
		}
	}
	dir := filepath.Join(outDir, o.key(pkg))
	lock, err := cache.LockDir(ctx, dir, true)
	if err != nil {
		return Binary{}, fmt.Errorf("compiling %s: %w", pkg.Name, err)
	}
	defer lock.Unlock()
	out := filepath.Join(dir, pkg.Name)
	var warnings []string
	if w, err := dropUnverified(ctx, out); err != nil {
		return Binary{}, fmt.Errorf("compiling %s: %w", pkg.Name, err)
	} else if w != "" {
		warnings = append(warnings, w)
	}
	args := append([]string{"build", "-trimpath", "-o", out}, o.flags()...)
	args = append(args, pkg.Args...)
	cmd := GoCommand(ctx, args...)
	cmd.Dir = pkg.Dir
	cmd.Env = append(os.Environ(), append(o.Platform.Env(), cgoEnv(o.Cgo))...)
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
		if err := cache.Remove(out); err != nil {
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
	endBuild := span.Start(ctx, "go build")
	err = cmd.Run()
	endBuild()
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
	took := time.Since(start)
	fi, err := os.Stat(out)
	if err != nil {
		return Binary{}, fmt.Errorf("compiling %s: %w", pkg.Name, err)
	}
	// The binary is read once, here: ReadFile hands these bytes over.
	endHash := span.Start(ctx, "hash binary")
	data, err := os.ReadFile(out)
	var digest string
	if err == nil {
		digest = cache.Digest(data)
	}
	endHash()
	if err != nil {
		return Binary{}, fmt.Errorf("compiling %s: %w", pkg.Name, err)
	}
	if err := cache.WriteDigest(out, digest); err != nil {
		return Binary{}, fmt.Errorf("compiling %s: %w", pkg.Name, err)
	}
	cache.Touch(out) // used now, for leve cache prune, even when go build skipped the link
	return Binary{Package: pkg, Platform: o.Platform, Path: out, Size: fi.Size(), Duration: took, Digest: digest, Warnings: warnings, Deps: deps, data: data}, nil
}

// dropUnverified removes the binary at out unless it matches the digest
// recorded when it was written, so that go build links it again. It
// returns a warning when the binary was damaged; one with no recorded
// digest (an interrupted build, an older leve) is removed silently.
func dropUnverified(ctx context.Context, out string) (warning string, err error) {
	if _, err := os.Stat(out); errors.Is(err, fs.ErrNotExist) {
		return "", cache.Remove(out)
	} else if err != nil {
		return "", err
	}
	err = cache.Verify(ctx, out)
	var bad *cache.MismatchError
	switch {
	case err == nil:
		return "", nil
	case errors.As(err, &bad):
		warning = fmt.Sprintf("cached binary %s was damaged (it is %s, its build wrote %s): removed it and linked it again", out, bad.Got, bad.Want)
	case errors.Is(err, cache.ErrMismatch), errors.Is(err, fs.ErrNotExist):
		// a damaged or missing record: rebuild quietly
	default:
		return "", err
	}
	return warning, cache.Remove(out)
}

// flags returns the go build flags for o, after -trimpath.
func (o Options) flags() []string {
	var ld []string
	switch {
	case o.Strip:
		ld = append(ld, "-s", "-w")
	case o.NoDWARF:
		ld = append(ld, "-w")
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
