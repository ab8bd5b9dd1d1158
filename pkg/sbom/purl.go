package sbom

import "strings"

// goPURL returns the package URL of a Go module: pkg:golang/PATH@VERSION,
// with "#SUBPATH" when it names a package inside the module. Each path
// segment and the version are percent-encoded as the purl specification
// asks, so a "+incompatible" version is written "%2Bincompatible".
func goPURL(modPath, version, subpath string) string {
	var sb strings.Builder
	sb.WriteString("pkg:golang/")
	writeSegments(&sb, modPath)
	if version != "" {
		sb.WriteByte('@')
		sb.WriteString(purlEscape(version))
	}
	if subpath != "" {
		sb.WriteByte('#')
		writeSegments(&sb, subpath)
	}
	return sb.String()
}

// writeSegments writes p's slash-separated segments, each escaped.
func writeSegments(sb *strings.Builder, p string) {
	for i, seg := range strings.Split(p, "/") {
		if i > 0 {
			sb.WriteByte('/')
		}
		sb.WriteString(purlEscape(seg))
	}
}

// purlEscape percent-encodes every byte of s outside the unreserved set
// (letters, digits, '-', '.', '_', '~').
func purlEscape(s string) string {
	const hexDigits = "0123456789ABCDEF"
	var sb strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' ||
			c == '-' || c == '.' || c == '_' || c == '~' {
			sb.WriteByte(c)
			continue
		}
		sb.WriteByte('%')
		sb.WriteByte(hexDigits[c>>4])
		sb.WriteByte(hexDigits[c&15])
	}
	return sb.String()
}
