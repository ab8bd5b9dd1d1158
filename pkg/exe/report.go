package exe

import "strings"

// Schema identifies the JSON layout of a [Report]; see docs/analyze-json.md.
const Schema = "leve.analyze/v1"

// A Report is everything leve knows about one executable. It marshals to
// the JSON schema [Schema].
type Report struct {
	Schema    string    `json:"schema"`
	Path      string    `json:"path,omitempty"`
	Size      int64     `json:"size"`
	Trailing  int64     `json:"trailing_data,omitempty"` // bytes after what the ELF headers reference; see [File.Trailing]
	GOOS      string    `json:"goos"`
	GOARCH    string    `json:"goarch"`
	GoVersion string    `json:"go_version"`
	Main      Module    `json:"main"`
	Deps      []Module  `json:"deps"`
	Settings  []Setting `json:"settings"`

	Sections []Section `json:"sections"`
	Segments []Segment `json:"segments"`
	Strip    StripInfo `json:"strip"`
	Linking  Linking   `json:"linking"`

	Packages []PackageSize `json:"packages"`
	Modules  []ModuleSize  `json:"modules"`
	Buckets  []BucketSize  `json:"buckets"`
	Coverage Coverage      `json:"coverage"`

	Needs       []Need       `json:"needs"`
	Suggestions []Suggestion `json:"suggestions"`
}

// Unattributed returns the unattributed bytes per section, largest first:
// what "unattributed: N KB in .rodata" reports.
func (r *Report) Unattributed() []BucketSize {
	var out []BucketSize
	for _, b := range r.Buckets {
		if b.Kind == OwnerUnattributed.String() {
			out = append(out, b)
		}
	}
	return out
}

// A Module is a module of the build information.
type Module struct {
	Path    string  `json:"path"`
	Version string  `json:"version,omitempty"`
	Sum     string  `json:"sum,omitempty"`
	Replace *Module `json:"replace,omitempty"`
}

// A Setting is a build setting: CGO_ENABLED, -ldflags, -trimpath, GOAMD64,
// vcs.revision and the others `go version -m` prints.
type Setting struct {
	Key   string `json:"key"`
	Value string `json:"value"`
}

// A Section is an ELF section. FileSize is 0 for sections without file
// bytes (.bss, .noptrbss); MemSize is their size in memory.
type Section struct {
	Name       string `json:"name"`
	Type       string `json:"type"`
	Flags      string `json:"flags"`
	Addr       uint64 `json:"addr"`
	Offset     uint64 `json:"offset"`
	FileSize   int64  `json:"file_size"`
	MemSize    int64  `json:"mem_size"`
	Compressed bool   `json:"compressed,omitempty"`
}

// A Segment is an ELF program header.
type Segment struct {
	Type     string `json:"type"`
	Flags    string `json:"flags"`
	Offset   uint64 `json:"offset"`
	Vaddr    uint64 `json:"vaddr"`
	FileSize int64  `json:"file_size"`
	MemSize  int64  `json:"mem_size"`
}

// StripInfo says what a strip would remove.
type StripInfo struct {
	Stripped        bool  `json:"stripped"` // no symbol table and no DWARF
	Symtab          bool  `json:"symtab"`
	SymtabSize      int64 `json:"symtab_size"` // .symtab + .strtab
	DWARF           bool  `json:"dwarf"`
	DWARFSize       int64 `json:"dwarf_size"`
	DWARFCompressed bool  `json:"dwarf_compressed"`
}

// Linking says how the executable is linked.
type Linking struct {
	Static      bool     `json:"static"`
	Interpreter string   `json:"interpreter,omitempty"`
	Needed      []string `json:"needed,omitempty"`
	Cgo         bool     `json:"cgo"`           // runtime/cgo is linked
	PIE         bool     `json:"pie,omitempty"` // position-independent (ET_DYN, -buildmode=pie); see [Linking.PIEOnly]
}

// PIEOnly reports whether the executable is dynamic only because it is a
// position-independent one (-buildmode=pie without cgo): it needs the
// dynamic loader and no library.
func (l Linking) PIEOnly() bool {
	return !l.Static && l.PIE && !l.Cgo && len(l.Needed) == 0
}

// String describes the linking in a few words: "static", "dynamic
// (/lib64/ld-linux-x86-64.so.2; libc.so.6)" or, for a PIE without cgo,
// "position-independent (-buildmode=pie), needs /lib64/ld-linux-x86-64.so.2".
func (l Linking) String() string {
	switch {
	case l.Static && l.PIE:
		return "static, position-independent"
	case l.Static:
		return "static"
	case l.PIEOnly():
		if l.Interpreter == "" {
			return "position-independent (-buildmode=pie), needs the dynamic loader"
		}
		return "position-independent (-buildmode=pie), needs " + l.Interpreter
	}
	var parts []string
	if l.Interpreter != "" {
		parts = append(parts, l.Interpreter)
	}
	if len(l.Needed) > 0 {
		parts = append(parts, strings.Join(l.Needed, ", "))
	}
	return "dynamic (" + strings.Join(parts, "; ") + ")"
}

// Fix says how to get a static executable that runs on scratch, "" when
// it is one: drop -buildmode=pie for a PIE without cgo, else build with
// CGO_ENABLED=0.
func (l Linking) Fix() string {
	switch {
	case l.Static:
		return ""
	case l.PIEOnly():
		return "it was built as a position-independent executable (-buildmode=pie, e.g. from GOFLAGS) and needs the dynamic loader: build it without -buildmode=pie (unset it in GOFLAGS, or GOFLAGS=)"
	}
	return "build it with CGO_ENABLED=0"
}

// A PackageSize is the file bytes one Go package owns, by class.
type PackageSize struct {
	Path   string `json:"path"`
	Module string `json:"module"`
	Code   int64  `json:"code"`
	Pcln   int64  `json:"pcln"`
	Data   int64  `json:"data"`
	Debug  int64  `json:"debug"` // its symbol table entries and names
	Total  int64  `json:"total"`
	Funcs  int    `json:"funcs"`
	// UsedBy lists the other packages whose code calls this package's
	// functions directly, most calls first (at most 5). Calls through
	// interfaces and function values are not seen.
	UsedBy []Use `json:"used_by,omitempty"`
}

// A Use is a package calling into another one.
type Use struct {
	Package string `json:"package"`
	Calls   int    `json:"calls"`   // direct call sites
	Example string `json:"example"` // a calling function
}

// A ModuleSize is the file bytes of a module: its packages and the bytes
// its packages share (Shared).
type ModuleSize struct {
	Path     string `json:"path"`
	Version  string `json:"version,omitempty"`
	Packages int    `json:"packages"`
	Shared   int64  `json:"shared"`
	Total    int64  `json:"total"`
}

// A BucketSize is the file bytes of a bucket that is not a package or
// module: shared, metadata or unattributed.
type BucketSize struct {
	Kind string `json:"kind"` // "shared", "metadata" or "unattributed"
	Name string `json:"name"` // bucket name; the section for unattributed bytes
	Size int64  `json:"size"`
}

// Coverage sums the file bytes by owner kind. The fields add up to Size.
type Coverage struct {
	Size         int64 `json:"size"`
	Packages     int64 `json:"packages"`
	Modules      int64 `json:"modules"`
	Shared       int64 `json:"shared"`
	Metadata     int64 `json:"metadata"`
	Unattributed int64 `json:"unattributed"`
}

// Attributed returns the fraction of the file owned by a named package or
// module.
func (c Coverage) Attributed() float64 {
	if c.Size == 0 {
		return 0
	}
	return float64(c.Packages+c.Modules) / float64(c.Size)
}

// A Need is a file or library the executable needs at run time, with the
// evidence (linked functions, ELF entries) that revealed it.
type Need struct {
	Kind     string   `json:"kind"`
	Files    []string `json:"files,omitempty"`
	Evidence []string `json:"evidence"`
	Detail   string   `json:"detail"`
}

// Need kinds.
const (
	NeedCACerts = "ca-certificates"  // crypto/x509 loads the system roots
	NeedTZData  = "tzdata"           // time.LoadLocation without time/tzdata
	NeedUsers   = "users"            // os/user reads /etc/passwd and /etc/group
	NeedDNS     = "dns"              // the net resolver reads /etc/resolv.conf and friends
	NeedTempDir = "tmp"              // os.TempDir users need a writable /tmp
	NeedLibs    = "shared-libraries" // dynamically linked: the libraries and loader
)

// A Suggestion is a change that makes the executable smaller, with its
// estimated saving in bytes.
type Suggestion struct {
	Kind   string `json:"kind"`
	Saving int64  `json:"saving"`
	Detail string `json:"detail"`
}

// Suggestion kinds. The packer adds SuggestPack with its own estimate.
const (
	SuggestStrip    = "strip"         // drop the symbol table (-ldflags=-s)
	SuggestDWARF    = "dwarf"         // drop DWARF (-ldflags=-w)
	SuggestPackage  = "heavy-package" // a package that weighs much
	SuggestCgo      = "cgo"           // build with CGO_ENABLED=0 for a static binary
	SuggestPIE      = "pie"           // build without -buildmode=pie for a static binary
	SuggestTrimpath = "trimpath"      // build with -trimpath
	SuggestPack     = "pack"          // pack the executable (estimated by the packer)
)
