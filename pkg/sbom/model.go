package sbom

import (
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"path"
	"runtime/debug"
	"slices"
	"strings"
	"time"
)

// bill is what both formats describe: the facts taken from the build info
// and the options, normalised and sorted. Its JSON encoding is hashed to
// derive the documents' identifiers, so every field is part of the content.
type bill struct {
	Name      string
	Created   time.Time
	Platform  string
	GoVersion string      // "go1.26.8", or "" when the build info has none
	Settings  []setting   // the vcs build settings, in build-info order
	App       component   // the main module
	Deps      []component // dependency modules and the standard library, sorted
}

// setting is one key=value build setting.
type setting struct{ Key, Value string }

// component is one module in the bill.
type component struct {
	Path     string // module path, or "stdlib"
	Version  string // module version, "" when unknown
	PURL     string // package URL
	Sum      string // go.sum hash ("h1:..."), or ""
	SHA256   string // hex SHA-256 of the binary (application only)
	Replaces string // "path@version" of the module a module replacement stands in for
	LocalDir string // directory a local replacement points at
}

// stdlibPath is the name Go tooling gives the standard library.
const stdlibPath = "stdlib"

// newBill collects the facts about info and opts.
func newBill(info *debug.BuildInfo, opts []Option) (*bill, error) {
	if info == nil {
		return nil, errors.New("no build info")
	}
	cfg, err := newConfig(opts)
	if err != nil {
		return nil, err
	}
	mainPath := info.Main.Path
	if mainPath == "" {
		mainPath = info.Path
	}
	if mainPath == "" {
		return nil, errors.New("build info names no main module or package")
	}
	b := &bill{
		Name:      cfg.name,
		Created:   cfg.created.UTC().Truncate(time.Second),
		Platform:  cfg.platform,
		GoVersion: goVersion(info.GoVersion),
	}
	if b.Name == "" {
		b.Name = path.Base(cmp.Or(info.Path, mainPath))
	}
	if b.Platform == "" {
		b.Platform = platformOf(info.Settings)
	}
	for _, s := range info.Settings {
		if s.Key == "vcs" || strings.HasPrefix(s.Key, "vcs.") {
			b.Settings = append(b.Settings, setting{s.Key, s.Value})
		}
	}

	app := component{Path: mainPath, Sum: info.Main.Sum, SHA256: cfg.digest}
	if v := info.Main.Version; v != "(devel)" {
		app.Version = v
	}
	sub := ""
	if info.Main.Path != "" && strings.HasPrefix(info.Path, info.Main.Path+"/") {
		sub = strings.TrimPrefix(info.Path, info.Main.Path+"/")
	}
	app.PURL = goPURL(app.Path, app.Version, sub)
	b.App = app

	seen := map[string]bool{}
	for _, d := range info.Deps {
		if d == nil || d.Path == "" {
			continue
		}
		c := depComponent(d)
		if seen[c.PURL] {
			continue
		}
		seen[c.PURL] = true
		b.Deps = append(b.Deps, c)
	}
	b.Deps = append(b.Deps, component{
		Path:    stdlibPath,
		Version: b.GoVersion,
		PURL:    goPURL(stdlibPath, b.GoVersion, ""),
	})
	slices.SortFunc(b.Deps, func(x, y component) int {
		return cmp.Or(cmp.Compare(x.Path, y.Path), cmp.Compare(x.Version, y.Version),
			cmp.Compare(x.PURL, y.PURL))
	})
	return b, nil
}

// depComponent describes one dependency, following its replacement.
func depComponent(d *debug.Module) component {
	c := component{Path: d.Path, Version: d.Version, Sum: d.Sum}
	if r := d.Replace; r != nil {
		if isLocalPath(r.Path) {
			c.LocalDir = r.Path
			c.Sum = r.Sum
		} else {
			c = component{Path: r.Path, Version: r.Version, Sum: r.Sum,
				Replaces: d.Path + "@" + d.Version}
		}
	}
	c.PURL = goPURL(c.Path, c.Version, "")
	if c.LocalDir != "" {
		// The code is the directory's, not that of the required version.
		c.PURL = goPURL(c.Path, "", "")
	}
	return c
}

// isLocalPath reports whether a replacement path names a directory rather
// than a module, by the rule the go command applies to go.mod.
func isLocalPath(p string) bool {
	return p == "." || p == ".." || strings.HasPrefix(p, "./") || strings.HasPrefix(p, "../") ||
		strings.HasPrefix(p, "/") || strings.HasPrefix(p, `.\`) || strings.HasPrefix(p, `..\`) ||
		strings.HasPrefix(p, `\`) || (len(p) >= 2 && p[1] == ':')
}

// goVersion returns the release part of a build-info Go version:
// "go1.26.8 X:boringcrypto" gives "go1.26.8", "devel go1.27-abcdef ..."
// gives "go1.27-abcdef".
func goVersion(v string) string {
	f := strings.Fields(v)
	switch {
	case len(f) == 0:
		return ""
	case f[0] == "devel" && len(f) > 1:
		return f[1]
	}
	return f[0]
}

// platformOf returns the os/arch[/variant] recorded in build settings.
func platformOf(settings []debug.BuildSetting) string {
	var goos, goarch, goarm string
	for _, s := range settings {
		switch s.Key {
		case "GOOS":
			goos = s.Value
		case "GOARCH":
			goarch = s.Value
		case "GOARM":
			goarm, _, _ = strings.Cut(s.Value, ",")
		}
	}
	if goos == "" || goarch == "" {
		return ""
	}
	if goarch == "arm" && goarm != "" {
		return goos + "/" + goarch + "/v" + goarm
	}
	return goos + "/" + goarch
}

// contentHash returns the hex SHA-256 of the bill's JSON encoding.
func (b *bill) contentHash() string {
	j, err := json.Marshal(b)
	if err != nil { // a bill holds only strings and a time
		panic("sbom: encoding the bill: " + err.Error())
	}
	h := sha256.Sum256(j)
	return hex.EncodeToString(h[:])
}

// created formats the creation time as both formats want it.
func (b *bill) created() string { return b.Created.Format("2006-01-02T15:04:05Z") }
