package pipeline

import "time"

// SchemaVersion is the version of the Report JSON schema (docs/build-json.md).
const SchemaVersion = 1

// Report is what a Build did. It is the --json output of "leve build"; its
// fields are documented in docs/build-json.md.
type Report struct {
	SchemaVersion int    `json:"schemaVersion"`
	Reference     string `json:"reference"` // NAME:TAG@sha256:...
	Name          string `json:"name"`
	Tag           string `json:"tag"`
	// Digest and MediaType are those of what was shipped: the image
	// manifest for one platform, the image index for several; when the
	// first output holds another manifest (a tarball of a zstd or
	// multi-platform build), Digest is that one's.
	Digest    string `json:"digest"`
	MediaType string `json:"mediaType"`
	// PullSize is what a client of the first platform downloads, in bytes:
	// the index (if any), the image manifest, config and compressed layers.
	PullSize int64 `json:"pullSize"`
	// Images has one entry per platform, in the order asked for.
	Images []ImageReport `json:"images"`
	// Ship is the ship stage, common to all platforms.
	Ship     StageReport `json:"ship"`
	Outputs  []Output    `json:"outputs"`
	Warnings []string    `json:"warnings,omitempty"`
	// BaseFrom says, for a --base given as a bare NAME[:TAG], which image
	// it named: "the local store (leve-out/NAME:TAG)" or "the registry
	// (…)"; empty for other bases.
	BaseFrom string `json:"baseFrom,omitempty"`
}

// ImageReport is one platform's image and the stages that made it.
type ImageReport struct {
	Platform string       `json:"platform"`
	Digest   string       `json:"digest"`
	Binary   BinaryReport `json:"binary"`
	Layers   []BlobReport `json:"layers"`
	Config   BlobReport   `json:"config"`
	Manifest BlobReport   `json:"manifest"`
	// SBOM is the SBOM attached to the image as an OCI referrer: the
	// referrer manifest's digest, the SBOM's media type and size.
	SBOM *BlobReport `json:"sbom,omitempty"`
	// Files are the run-time files added for the binary's needs.
	Files []FileReport `json:"files"`
	// PullSize is compressed layers + config + manifest, in bytes.
	PullSize int64         `json:"pullSize"`
	Stages   []StageReport `json:"stages"`
	// Warnings about this platform's image.
	Warnings []string `json:"warnings,omitempty"`
}

// BinaryReport describes the program shipped in the image.
type BinaryReport struct {
	Name       string `json:"name"`
	Path       string `json:"path"`    // path in the image
	Package    string `json:"package"` // import path
	Module     string `json:"module,omitempty"`
	GoVersion  string `json:"goVersion"`
	Static     bool   `json:"static"`
	SizeBefore int64  `json:"sizeBefore"` // as linked
	SizeAfter  int64  `json:"sizeAfter"`  // as shipped
	Stripped   bool   `json:"stripped"`
	Packed     bool   `json:"packed"` // a self-extracting executable (--pack)
	// Needs lists what the program needs at run time, with the evidence.
	Needs []Need `json:"needs"`
	// TopPackages are the packages owning the most bytes, largest first.
	TopPackages []PackageReport `json:"topPackages"`
	// Attributed is the fraction of the binary's bytes owned by a named
	// package or module.
	Attributed float64 `json:"attributed"`
	// Suggestions are changes to the program that would make it much
	// smaller, with their estimated saving: today, turning back on the
	// method dead-code elimination that reflection turned off.
	Suggestions []string `json:"suggestions,omitempty"`
}

// PackageReport is one Go package's share of the binary.
type PackageReport struct {
	Path string `json:"path"`
	Size int64  `json:"size"` // bytes of the binary it owns
}

// Need is one run-time requirement of the binary.
type Need struct {
	Kind     string   `json:"kind"`            // "ca-certificates", "tzdata", ...
	Evidence string   `json:"evidence"`        // what in the binary shows it
	Files    []string `json:"files,omitempty"` // what it reads at run time
	InImage  bool     `json:"inImage"`         // whether the image provides it
}

// FileReport is one run-time file in the image and why it is there.
type FileReport struct {
	Path   string `json:"path"`
	Size   int64  `json:"size"`
	Reason string `json:"reason"`
}

// BlobReport describes one blob of the image.
type BlobReport struct {
	Digest    string `json:"digest"`
	MediaType string `json:"mediaType"`
	Size      int64  `json:"size"` // bytes as stored and pulled
	// For layers: the tar's digest and size, and what the layer holds.
	DiffID           string `json:"diffID,omitempty"`
	UncompressedSize int64  `json:"uncompressedSize,omitempty"`
	CreatedBy        string `json:"createdBy,omitempty"`
}

// StageReport is one stage's timing and outcome.
type StageReport struct {
	Name     string        `json:"name"` // compile, read, optimize, package, ship
	Duration time.Duration `json:"durationNs"`
	// Summary is the stage's outcome in a line. The pipeline writes it
	// without sizes; a renderer (internal/report.Summarize) rewrites it
	// from Result, as "leve build" shows it and writes it in --json.
	Summary string `json:"summary"`
	// Result is the stage's typed outcome, nil for compile and ship.
	Result StageResult `json:"-"`
}

// Output is one place the image was shipped to.
type Output struct {
	Kind     string `json:"kind"`
	Location string `json:"location"`
	// Digest is the manifest the output holds: the build's, except for
	// outputs that hold one gzip image (tarball, Docker) of a zstd or
	// multi-platform build.
	Digest string `json:"digest"`
}
