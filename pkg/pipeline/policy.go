package pipeline

// The enums of a build's options, each with its zero value leve's default.
// The command line parses its flags and leve.yaml into them once
// (internal/cli/options); the stages only switch on them.

// SBOMFormat is the SBOM attached to each image as an OCI referrer. The
// zero value is SPDX.
type SBOMFormat int

const (
	// SBOMSPDX attaches an SPDX 2.3 JSON document (the default).
	SBOMSPDX SBOMFormat = iota
	// SBOMCycloneDX attaches a CycloneDX 1.5 JSON document.
	SBOMCycloneDX
	// SBOMNone attaches no SBOM.
	SBOMNone
)

var sbomNames = [...]string{SBOMSPDX: "spdx", SBOMCycloneDX: "cyclonedx", SBOMNone: "none"}

// String returns "spdx", "cyclonedx" or "none".
func (f SBOMFormat) String() string {
	if int(f) < len(sbomNames) && f >= 0 {
		return sbomNames[f]
	}
	return "spdx"
}

// ParseSBOMFormat returns the format named "spdx", "cyclonedx" or "none";
// ok is false for any other name, "" among them.
func ParseSBOMFormat(s string) (f SBOMFormat, ok bool) {
	for i, n := range sbomNames {
		if n == s {
			return SBOMFormat(i), true
		}
	}
	return SBOMSPDX, false
}

// LibsPolicy says what to do with a dynamic binary's shared libraries on
// a base that has none. The zero value refuses the binary.
type LibsPolicy int

const (
	// LibsRefuse refuses a dynamic binary on scratch (the default).
	LibsRefuse LibsPolicy = iota
	// LibsCopy copies the binary's interpreter and shared libraries (and
	// glibc's NSS modules when it looks up users or hosts) from the build
	// host into the image.
	LibsCopy
)

// String returns "copy", or "" for LibsRefuse: the flag left out.
func (p LibsPolicy) String() string {
	if p == LibsCopy {
		return "copy"
	}
	return ""
}

// ParseLibsPolicy returns the policy named "copy", or LibsRefuse for "";
// ok is false for any other name.
func ParseLibsPolicy(s string) (p LibsPolicy, ok bool) {
	switch s {
	case "":
		return LibsRefuse, true
	case "copy":
		return LibsCopy, true
	}
	return LibsRefuse, false
}

// FilePolicy says whether a run-time file is added when the analysis finds
// the binary needs it. The zero value adds it.
type FilePolicy int

const (
	// FileAuto adds the file when the analysis finds the need (the
	// default).
	FileAuto FilePolicy = iota
	// FileNone never adds it.
	FileNone
)

// String returns "auto" or "none".
func (p FilePolicy) String() string {
	if p == FileNone {
		return "none"
	}
	return "auto"
}

// ParseFilePolicy returns the policy named "auto" or "none"; ok is false
// for any other name.
func ParseFilePolicy(s string) (p FilePolicy, ok bool) {
	switch s {
	case "auto":
		return FileAuto, true
	case "none":
		return FileNone, true
	}
	return FileAuto, false
}

// CAKind is where a build's CA certificates come from.
type CAKind int

const (
	// CAAuto adds the pinned Mozilla roots when the analysis finds the
	// binary loads the system roots (the default).
	CAAuto CAKind = iota
	// CANone never adds CA certificates.
	CANone
	// CABundle adds the pinned Mozilla roots whatever the analysis says.
	CABundle
	// CAHost adds the build host's system roots whatever the analysis
	// says.
	CAHost
	// CAFile adds exactly the certificates of a PEM file
	// (CASource.File) whatever the analysis says.
	CAFile
)

// CASource is the CA certificates setting of a build. The zero value is
// CAAuto.
type CASource struct {
	Kind CAKind
	File string // the PEM file, for CAFile
}

var caNames = map[string]CAKind{"auto": CAAuto, "none": CANone, "bundle": CABundle, "host": CAHost}

// ParseCASource returns the source named "auto", "none", "bundle" or
// "host", and for any other non-empty name a CAFile source of that path
// (the caller checks the file). ok is false for "".
func ParseCASource(s string) (c CASource, ok bool) {
	if k, named := caNames[s]; named {
		return CASource{Kind: k}, true
	}
	if s == "" {
		return CASource{}, false
	}
	return CASource{Kind: CAFile, File: s}, true
}

// String returns "auto", "none", "bundle", "host" or the PEM file's path.
func (c CASource) String() string {
	switch c.Kind {
	case CANone:
		return "none"
	case CABundle:
		return "bundle"
	case CAHost:
		return "host"
	case CAFile:
		return c.File
	}
	return "auto"
}

// forced reports whether the source adds the certificates whatever the
// analysis found.
func (c CASource) forced() bool { return c.Kind == CABundle || c.Kind == CAHost || c.Kind == CAFile }

// bundle names the source as assemble.CACertificates takes it: auto and
// none (with certificates to add) mean the pinned bundle.
func (c CASource) bundle() string {
	if c.Kind == CAAuto || c.Kind == CANone {
		return "bundle"
	}
	return c.String()
}
