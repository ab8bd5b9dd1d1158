package imagefs

import "fmt"

// FindingKind names a problem found in a layer. Each kind's doc says what
// leve does about it; none of them stops reading or extraction.
type FindingKind uint8

// The finding kinds.
const (
	// FindingEscapingPath: the entry's name climbs above the root
	// ("../x"). The entry is skipped.
	FindingEscapingPath FindingKind = iota + 1
	// FindingAbsolutePath: the entry's name is absolute ("/etc/x"). It is
	// kept, relative to the image root.
	FindingAbsolutePath
	// FindingSymlinkOutside: a relative symlink's target climbs above the
	// root. It is kept; leve resolves it inside the root, where ".." at
	// the root stays at the root.
	FindingSymlinkOutside
	// FindingHardlinkMissing: a hard link's target does not exist (in this
	// layer before it, or below). The entry is skipped.
	FindingHardlinkMissing
	// FindingHardlinkInvalid: a hard link's target is not a regular file
	// or climbs above the root. The entry is skipped.
	FindingHardlinkInvalid
	// FindingDevice: a device node. Read as metadata; extraction skips it
	// unless WithDevices is given and the process runs as root.
	FindingDevice
	// FindingDuplicate: the layer holds the path more than once. The last
	// entry wins; earlier copies count as waste.
	FindingDuplicate
	// FindingSetuid: a setuid or setgid bit. Extraction clears it unless
	// WithSetuid is given.
	FindingSetuid
	// FindingUnsupportedType: a tar entry type that is not a file system
	// object. The entry is skipped.
	FindingUnsupportedType
	// FindingBadWhiteout: a whiteout naming nothing ("a/.wh."), or the
	// root. It is skipped.
	FindingBadWhiteout
	// FindingSymlinkLoop: resolving the entry's parent directories
	// followed more than MaxSymlinks links. The entry is skipped.
	FindingSymlinkLoop
	// FindingCapability: a security.capability extended attribute (file
	// capabilities, a privilege like setuid). Extraction drops it unless
	// WithSetuid is given.
	FindingCapability
	// FindingXattr: an extended attribute extraction could not set (not
	// root, or the file system refuses it). The file is kept without it.
	FindingXattr
	// FindingLongPath: the entry's name or link target is longer than
	// MaxPathLen, as no Linux path can be. The entry is skipped.
	FindingLongPath
)

var findingNames = [...]string{"", "escaping-path", "absolute-path", "symlink-outside", "hardlink-missing", "hardlink-invalid", "device", "duplicate", "setuid", "unsupported-type", "bad-whiteout", "symlink-loop", "capability", "xattr", "long-path"}

// String returns the kind's stable name, used in JSON reports.
func (k FindingKind) String() string {
	if int(k) < len(findingNames) && k != 0 {
		return findingNames[k]
	}
	return "unknown"
}

// Finding is one problem found in one layer entry.
type Finding struct {
	// Layer is the layer's index in the image (from 0).
	Layer int
	// Path is the entry's path: cleaned, or the raw tar name for an
	// escaping path.
	Path string
	// Kind says what the problem is.
	Kind FindingKind
	// Detail gives the offending value (a link target, a mode, a type).
	Detail string
}

// String returns one line: "layer 1: usr/x: escaping-path (../../x)".
func (f Finding) String() string {
	s := fmt.Sprintf("layer %d: %s: %s", f.Layer, f.Path, f.Kind)
	if f.Detail != "" {
		s += " (" + f.Detail + ")"
	}
	return s
}
