package imagefs

import (
	"io/fs"
	"path"
	"strings"

	v1 "github.com/google/go-containerregistry/pkg/v1"
)

// Type is the kind of one layer entry.
type Type uint8

// The entry types. Whiteout and Opaque are the OCI markers (.wh.NAME and
// .wh..wh..opq); they remove lower-layer paths and are never extracted.
const (
	TypeFile Type = iota + 1
	TypeDir
	TypeSymlink
	TypeHardlink
	TypeCharDevice
	TypeBlockDevice
	TypeFIFO
	TypeWhiteout
	TypeOpaque
	TypeUnsupported
)

var typeNames = [...]string{"", "file", "dir", "symlink", "hardlink", "char-device", "block-device", "fifo", "whiteout", "opaque", "unsupported"}

// String returns the type's lower-case name ("file", "dir", ...).
func (t Type) String() string {
	if int(t) < len(typeNames) && t != 0 {
		return typeNames[t]
	}
	return "unknown"
}

// Entry is the metadata of one tar entry of one layer. File contents are
// never held: Digest is the sha256 of the content, computed while it streamed.
// Its small fields sit together, so that an FS holding one per entry of
// every layer pays no padding between them.
type Entry struct {
	// Path is the cleaned path relative to the image root ("usr/bin/app"),
	// "." for the root itself. For a whiteout it is the path it removes,
	// for an opaque marker the directory it makes opaque.
	Path string
	// Type is the entry's kind.
	Type Type
	// Skipped is true when the entry is not part of the image's tree
	// because of a finding (an escaping path, an unsupported type, ...).
	Skipped bool
	// Visible is set by ReadLayers: the final file system shows this
	// entry (for a regular file, this copy of its content, possibly
	// through a hard link). A whiteout or opaque marker is never visible.
	Visible bool
	// Mode holds the permission bits with setuid, setgid and sticky, and
	// the fs.FileMode type bits.
	Mode fs.FileMode
	// UID and GID are the numeric owners.
	UID, GID int
	// Size is the number of content bytes the layer stores (regular files).
	Size int64
	// Linkname is a symlink's target as stored, or a hard link's target
	// path cleaned relative to the root.
	Linkname string
	// Devmajor and Devminor identify a device node.
	Devmajor, Devminor int64
	// Digest is the sha256 of a regular file's content.
	Digest v1.Hash
	// Xattrs holds the extended attributes the layer records (PAX
	// SCHILY.xattr records), such as security.capability; nil when none.
	Xattrs map[string]string
	// Index is the entry's position among the layer's tar headers (from 0).
	Index int
}

// whiteout prefixes from the OCI image-spec layer format.
const (
	whiteoutPrefix = ".wh."
	opaqueMarker   = ".wh..wh..opq"
)

// cleanName turns a tar name into a path relative to the root. It reports
// whether the name was absolute and whether it climbs above the root
// ("../x", "a/../../x"), which callers treat as hostile.
func cleanName(name string) (p string, absolute, escapes bool) {
	if p, ok := alreadyClean(name); ok {
		return p, false, false
	}
	absolute = strings.HasPrefix(name, "/")
	depth := 0
	for _, c := range strings.Split(name, "/") {
		switch c {
		case "", ".":
		case "..":
			depth--
			if depth < 0 {
				escapes = true
				depth = 0
			}
		default:
			depth++
		}
	}
	p = strings.TrimPrefix(path.Clean("/"+name), "/")
	if p == "" {
		p = "."
	}
	return p, absolute, escapes
}

// alreadyClean returns name without its trailing slash when that is
// already a clean relative path ("usr/bin/", "a/b.go"), the common case of
// a tar name. The result shares name's bytes, so that the merged tree does
// not hold a second copy of every path.
func alreadyClean(name string) (string, bool) {
	p := strings.TrimSuffix(name, "/")
	if p == "" || p[0] == '/' {
		return "", false
	}
	start := 0
	for i := 0; i <= len(p); i++ {
		if i < len(p) && p[i] != '/' {
			continue
		}
		if c := p[start:i]; c == "" || c == "." || c == ".." {
			return "", false
		}
		start = i + 1
	}
	return p, true
}

// cleanRel cleans a path (from a caller or a hard link target) into the
// root-relative form used by Entry.Path; ".." never climbs above the root.
func cleanRel(p string) string {
	p = strings.TrimPrefix(path.Clean("/"+p), "/")
	if p == "" {
		return "."
	}
	return p
}

// parentOf returns the root-relative parent of p ("." for top-level paths).
func parentOf(p string) string {
	d := path.Dir(p)
	if d == "" {
		return "."
	}
	return d
}

// under reports whether p is dir or inside dir.
func under(p, dir string) bool {
	return dir == "." || p == dir || strings.HasPrefix(p, dir+"/")
}
