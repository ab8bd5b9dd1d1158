package exe

import "strings"

// Schema identifies the JSON layout of a [Report]; see docs/analyze-json.md.
const Schema = "leve.analyze/v2"

// A Report is everything leve knows about one executable. It marshals to
// the JSON schema [Schema].
type Report struct {
	Schema    string    `json:"schema"`
	Path      string    `json:"path,omitempty"`
	Size      int64     `json:"size"`
	Trailing  int64     `json:"trailingData,omitempty"` // bytes after what the ELF headers reference; see [File.Trailing]
	GOOS      string    `json:"goos"`
	GOARCH    string    `json:"goarch"`
	GoVersion string    `json:"goVersion"`
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

	// MethodDeadCode says whether the linker's method dead-code
	// elimination was on; nil when the type descriptors could not be read.
	MethodDeadCode *MethodDeadCode `json:"methodDeadCode,omitempty"`
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
	FileSize   int64  `json:"fileSize"`
	MemSize    int64  `json:"memSize"`
	Compressed bool   `json:"compressed,omitempty"`
}

// A Segment is an ELF program header.
type Segment struct {
	Type     string `json:"type"`
	Flags    string `json:"flags"`
	Offset   uint64 `json:"offset"`
	Vaddr    uint64 `json:"vaddr"`
	FileSize int64  `json:"fileSize"`
	MemSize  int64  `json:"memSize"`
}

// StripInfo says what a strip would remove.
type StripInfo struct {
	Stripped        bool  `json:"stripped"` // no symbol table and no DWARF
	Symtab          bool  `json:"symtab"`
	SymtabSize      int64 `json:"symtabSize"` // .symtab + .strtab
	DWARF           bool  `json:"dwarf"`
	DWARFSize       int64 `json:"dwarfSize"`
	DWARFCompressed bool  `json:"dwarfCompressed"`
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
	UsedBy []Use `json:"usedBy,omitempty"`
	// CallChain is the shortest chain of direct calls from main.main to a
	// function of this package (for the largest packages), with the
	// linker's symbol names.
	CallChain []string `json:"callChain,omitempty"`
	// ImportChain is the shortest chain of imports from the main package
	// to this one, when the source was at hand.
	ImportChain []string `json:"importChain,omitempty"`
	// ReflectOnly is the part of Code and Pcln that exists only because the
	// method dead-code elimination was disabled (estimated).
	ReflectOnly int64 `json:"reflectOnly,omitempty"`
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
	SuggestReflect  = "method-dce"    // remove the reflect calls that disable method dead-code elimination
)

// MethodDeadCode is the state of the linker's method dead-code elimination.
// The linker drops the methods no one can call and writes -1 into their
// method table entries; when a reachable function calls
// reflect.Value.Method, or reflect.Value.MethodByName or
// reflect.Type.Method(ByName) with a name that is not a constant, it keeps
// every exported method of every reachable type used in an interface
// instead. Disabled is decided from the method tables: no exported method
// of a type converted to an interface was dropped, and exported methods
// that only reflection can call were kept.
type MethodDeadCode struct {
	Disabled bool `json:"disabled"`
	// Types is the number of types with a method table; ExportedKept,
	// ExportedDropped and UnexportedDropped count their methods.
	Types             int `json:"types"`
	ExportedKept      int `json:"exportedKept"`
	ExportedDropped   int `json:"exportedDropped"`
	UnexportedDropped int `json:"unexportedDropped"`
	// IfaceTypes is the number of types with a method table that an itab
	// names (converted to an interface); IfaceDropped counts the exported
	// methods of those the linker dropped. TableOnly counts the exported
	// methods kept with no direct caller, in no itab and named by no
	// interface method: only reflection can call them.
	IfaceTypes   int `json:"ifaceTypes"`
	IfaceDropped int `json:"ifaceDropped"`
	TableOnly    int `json:"tableOnly"`
	// Causes are the reflect callers reached from main.main by chains
	// whose edges exist whatever the reflect decision; the packages on them
	// are necessary to change, not sufficient: others may also disable it.
	Causes []ReflectCause `json:"causes"`
	// MayAlso counts the other functions that may also disable it (reached
	// only through method tables or calls the analysis does not see);
	// MayAlsoCallers names the first of them.
	MayAlso        int      `json:"mayAlso"`
	MayAlsoCallers []string `json:"mayAlsoCallers,omitempty"`
	// ConstantCallers call reflect.Value.MethodByName while the
	// elimination is on: with a constant name, which since Go 1.22 keeps it
	// on.
	ConstantCallers []ReflectCause `json:"constantCallers,omitempty"`
	// EstimatedCost is what the disabled elimination costs; nil when it is
	// on.
	EstimatedCost *MethodCost `json:"estimatedCost,omitempty"`
}

// Sources of a [ReflectCause] chain.
const (
	SourceCallGraph = "call graph" // direct calls read from the machine code
	SourceDumpDep   = "dumpdep"    // the linker's -dumpdep output
)

// A ReflectCause is a function that calls a reflect method lookup, with
// the chain that reaches it from main.main.
type ReflectCause struct {
	Function string   `json:"function"`        // the caller, a linker symbol name
	Calls    string   `json:"calls,omitempty"` // the reflect function it calls
	Chain    []string `json:"chain,omitempty"` // main.main → … → Calls
	Certain  bool     `json:"certain"`         // every edge exists whatever the reflect decision
	Packages []string `json:"packages,omitempty"`
	Source   string   `json:"source"` // SourceCallGraph or SourceDumpDep
}

// MethodCost estimates the bytes kept because the elimination is off.
// CodeBytes are the code, pcln tables and funcdata of the functions
// reachable only from exported methods that no one calls directly, no
// itab points to and no interface names; Bytes adds the type descriptors
// and data they bring in (30 % of CodeBytes). Error is the relative error
// of Bytes (0.25: ±25 %), measured as docs/analyze.md shows.
type MethodCost struct {
	Bytes     int64   `json:"bytes"`
	CodeBytes int64   `json:"codeBytes"`
	Funcs     int     `json:"funcs"`
	Methods   int     `json:"methods"`
	Error     float64 `json:"error"`
}
