package pipeline

import (
	"io"
	"time"

	"github.com/leve-build/leve/pkg/assemble"
	"github.com/leve-build/leve/pkg/compile"
	"github.com/leve-build/leve/pkg/deflate"
	"github.com/leve-build/leve/pkg/platform"
	"github.com/leve-build/leve/pkg/publish"
	"github.com/leve-build/leve/pkg/regopts"
)

// Options configure one Build. The zero value builds "." for linux/amd64
// into an image named after the package, tagged "latest".
type Options struct {
	// Target is a package directory or import path in a module, a lone .go
	// file, or a directory of .go files without go.mod. Default ".".
	Target string
	// Platforms to build; several give an OCI image index. Default
	// linux/amd64.
	Platforms []platform.Platform
	// Compile holds the go build settings (ldflags, tags, gcflags, cgo),
	// handed to the compile stage as they are. With Compile.Cgo the binary
	// needs a base with its C libraries.
	Compile CompileSettings
	// NoStrip keeps the symbol table and DWARF in the shipped binary.
	NoStrip bool
	// Pack ships the binary packed into a self-extracting executable
	// (pkg/pack): smaller on disk, decompressed in memory at start-up.
	Pack bool
	// Base is the base image: "scratch" (the default), "oci:DIR[:TAG]",
	// "docker-archive:FILE" or a registry reference.
	Base string
	// Registry is how registries are reached, for the base and pushes.
	Registry regopts.Options
	// PlatformsFromBase builds for every Linux platform the base offers
	// (--platform all); on scratch it builds Platforms.
	PlatformsFromBase bool

	// Name and Tag name the image; Name defaults to the binary's name and
	// Tag to "latest".
	Name, Tag string

	// Config overrides leve's image config; the zero value keeps leve's
	// defaults.
	Config ImageConfig
	// Files are the files added to the image besides the binary: the
	// run-time files its needs call for and the host files to copy.
	Files FileOptions
	// Layers choose the layer compressor.
	Layers LayerOptions

	// SBOM is the SBOM format attached to each image as an OCI referrer:
	// SPDX (the zero value), CycloneDX or none.
	SBOM SBOMFormat

	// CacheDir holds binaries and compressed layers between builds; empty
	// means no cache.
	CacheDir string
	// shared holds the small layers the images of one BuildAll have in
	// common (leve's system files, run-time files), compressed once for
	// all of them. Nil: Build shares them between its own platforms only.
	shared *assemble.Shared
	// Compiler resolves and builds the target; nil means GoCompiler (the
	// go command).
	Compiler Compiler
	// WorkDir holds the build's temporary files (its layers among them)
	// in a new directory that the caller removes, with WorkDir, once it no
	// longer reads the artifact Build returns. Empty: a directory that
	// Built.Close removes, after Ship has read the layers; the artifact's
	// layers are then no longer readable, unless they come from CacheDir.
	WorkDir string
	// Stderr receives the compiler's diagnostics as it writes them.
	Stderr io.Writer
	// Progress, when set, receives the build's progress events (Event):
	// stages starting and ending, blobs pushed. It is called one event at
	// a time, from the build's goroutines, and must not block.
	Progress func(Event)
	// Sinks returns where Built.Ship ships the image once its name is
	// known; nil ships nowhere. The sinks that stage (publish.Stager)
	// commit last, once every other sink succeeded.
	Sinks func(ref publish.Ref) ([]publish.Sink, error)
}

// ImageConfig is the image config option group, the package stage's:
// empty values keep leve's defaults (or the base's).
type ImageConfig struct {
	User       string   // default "65532:65532" (nonroot)
	Entrypoint []string // default ["/app/NAME"]
	WorkingDir string   // default "/app"
	Env        []string // KEY=VALUE, added after PATH (a PATH here replaces it)
	Labels     map[string]string
	Ports      []string // "8080/tcp"
	// Created is the image creation time when set (from
	// SOURCE_DATE_EPOCH); otherwise the VCS commit time in the build info,
	// else the Unix epoch.
	Created *time.Time
}

// FileOptions is the option group of the files the package stage adds
// besides the binary. The zero value adds what the analysis finds the
// binary needs, and refuses a dynamic binary on scratch.
type FileOptions struct {
	// Run-time files added for what the binary needs, each FileAuto (the
	// zero value: when the analysis finds the need) or FileNone.
	TZData, NSSwitch, Passwd FilePolicy
	// CACerts is where the CA certificates come from: CAAuto (the zero
	// value) adds the pinned Mozilla roots when the analysis finds the
	// need; CABundle, CAHost and CAFile add them whatever it says.
	CACerts CASource
	// AddCACerts are PEM files whose certificates are appended to the CA
	// bundle CACerts gives (CAAuto and CANone then mean CABundle; the
	// bundle is added whatever the analysis says).
	AddCACerts []string
	// Libs is what to do with a dynamic binary's shared libraries on
	// scratch: refuse it (the zero value) or copy them from the build host.
	Libs LibsPolicy

	// Adds are host files copied into the image, each in a layer of its
	// own.
	Adds []Add
}

// LayerOptions is the layer compression option group: Compression (gzip,
// the zero value, or zstd) and Level (the zero value is deflate.Default);
// see assemble.ChooseCompressor.
type LayerOptions struct {
	Compression assemble.Compression
	Level       deflate.Level
}

// CompileSettings are the go build settings of a build, the compile
// stage's option group (compile.Settings).
type CompileSettings = compile.Settings

// Add copies Src (a file or directory on the build host) to Dest in the
// image, in a layer of its own.
type Add struct {
	Src, Dest string
}

// Binary install directory and default user of leve images.
const (
	AppDir      = "/app"
	DefaultUser = "65532:65532"
)
