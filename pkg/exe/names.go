package exe

import (
	"runtime/debug"
	"sort"
	"strconv"
	"strings"
)

// Module names used when a package has no module of its own.
const (
	moduleStd     = "std"     // the standard library
	moduleUnknown = "unknown" // a package outside every module of the build info
)

// pkgOfSymbol returns the import path of the package that defines the
// function or data symbol name, or "" for linker-generated symbols with no
// package. Module paths whose last element contains a dot (gopkg.in/yaml.v3)
// are resolved through mods.
func pkgOfSymbol(name string, mods *moduleSet) string {
	for _, p := range [...]string{"type:.eq.", "type:.hash.", "type:"} {
		if strings.HasPrefix(name, p) {
			return pkgOfType(name[len(p):], mods)
		}
	}
	if strings.HasPrefix(name, "go:") || strings.HasPrefix(name, "go.shape.") {
		return "" // linker-generated, or a method of a generic shape type
	}
	s := name
	if i := strings.IndexByte(s, '['); i > 0 {
		s = s[:i]
	}
	slash := strings.LastIndexByte(s, '/')
	dot := strings.IndexByte(s[slash+1:], '.')
	if dot < 0 {
		return ""
	}
	pkg := s[:slash+1+dot]
	if strings.ContainsAny(pkg, " {};\"") {
		return "" // a type literal, not an import path
	}
	if strings.Contains(pkg, "%") {
		pkg = unescapePath(pkg)
	}
	if mods != nil {
		if mp := mods.dottedPrefix(name); len(mp) > len(pkg) {
			pkg = mp
		}
	}
	return pkg
}

// pkgOfType returns the package of a type string such as "*[]fmt.pp".
func pkgOfType(t string, mods *moduleSet) string {
	for {
		switch {
		case strings.HasPrefix(t, "*"):
			t = t[1:]
		case strings.HasPrefix(t, "[]"):
			t = t[2:]
		case strings.HasPrefix(t, "["):
			i := strings.IndexByte(t, ']')
			if i < 0 {
				return ""
			}
			t = t[i+1:]
		default:
			if t == "" || strings.ContainsAny(t[:1], "({ ") || strings.HasPrefix(t, "map[") ||
				strings.HasPrefix(t, "func(") || strings.HasPrefix(t, "chan ") ||
				strings.HasPrefix(t, "struct ") || strings.HasPrefix(t, "interface ") ||
				strings.HasPrefix(t, "<-chan") || strings.HasPrefix(t, "noalg.") {
				return ""
			}
			return pkgOfSymbol(t, mods)
		}
	}
}

// moduleSet maps package paths to the modules of a build.
type moduleSet struct {
	main   string
	paths  []string // module paths, longest first
	dotted []string // module paths whose last element has a dot
	vers   map[string]string
}

func newModuleSet(bi *debug.BuildInfo) *moduleSet {
	m := &moduleSet{vers: map[string]string{}}
	if bi == nil {
		return m
	}
	add := func(mod *debug.Module) {
		if mod == nil || mod.Path == "" {
			return
		}
		if mod.Replace != nil {
			m.vers[mod.Path] = mod.Replace.Version
		} else {
			m.vers[mod.Path] = mod.Version
		}
		m.paths = append(m.paths, mod.Path)
		if last := mod.Path[strings.LastIndexByte(mod.Path, '/')+1:]; strings.Contains(last, ".") && strings.Contains(mod.Path, "/") {
			m.dotted = append(m.dotted, mod.Path)
		}
	}
	m.main = bi.Main.Path
	add(&bi.Main)
	for _, d := range bi.Deps {
		add(d)
	}
	sort.Slice(m.paths, func(i, j int) bool { return len(m.paths[i]) > len(m.paths[j]) })
	return m
}

// dottedPrefix returns the module path with a dotted last element that
// prefixes the symbol name as "path.", or "".
func (m *moduleSet) dottedPrefix(name string) string {
	for _, p := range m.dotted {
		if strings.HasPrefix(name, p+".") {
			return p
		}
	}
	return ""
}

// module returns the module path of a package: a module of the build info,
// "std" for the standard library, "unknown" otherwise.
func (m *moduleSet) module(pkg string) string {
	if pkg == "main" && m.main != "" {
		return m.main
	}
	for _, p := range m.paths {
		if pkg == p || (strings.HasPrefix(pkg, p) && pkg[len(p)] == '/') {
			return p
		}
	}
	first, _, _ := strings.Cut(pkg, "/")
	if first == "cmd" {
		return "cmd" // the Go command's own module
	}
	if !strings.Contains(first, ".") || first == "vendor" {
		return moduleStd
	}
	return moduleUnknown
}

// pkgOfFile returns the package whose directory holds the source file
// path, among the known packages, or "".
func pkgOfFile(path string, known map[string]bool) string {
	dir := path
	if i := strings.LastIndexByte(dir, '/'); i >= 0 {
		dir = dir[:i]
	} else {
		return ""
	}
	// Drop module versions: github.com/x/y@v1.2.3/z -> github.com/x/y/z.
	if strings.Contains(dir, "@") {
		elems := strings.Split(dir, "/")
		for i, e := range elems {
			if at := strings.IndexByte(e, '@'); at >= 0 {
				elems[i] = e[:at]
			}
		}
		dir = strings.Join(elems, "/")
	}
	for d := dir; d != ""; {
		if known[d] {
			return d
		}
		i := strings.IndexByte(d, '/')
		if i < 0 {
			break
		}
		d = d[i+1:]
	}
	return ""
}

// unescapePath undoes the linker's escaping of import paths in symbol
// names: %2e for a dot in the last element, %xx for other bytes.
func unescapePath(p string) string {
	var b strings.Builder
	for i := 0; i < len(p); i++ {
		if p[i] == '%' && i+2 < len(p) {
			if v, err := strconv.ParseUint(p[i+1:i+3], 16, 8); err == nil {
				b.WriteByte(byte(v))
				i += 2
				continue
			}
		}
		b.WriteByte(p[i])
	}
	return b.String()
}
