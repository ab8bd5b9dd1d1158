package lint

import (
	"path"
	"regexp"
	"strings"
)

// shipped reports whether the binary g builds in si may reach the final
// image: it is built there, or a COPY --from copies its path into a stage
// whose copy reaches it, or a stage built FROM si does. Where the binary's
// path or a copy's source cannot be known, it may.
func (a *analysis) shipped(si *stageInfo, g goBuild) bool {
	if !si.feeds {
		return false
	}
	p, ok := buildTarget(si, g)
	if !ok {
		return true
	}
	return a.reaches(si, p)
}

// reachBudget bounds the paths reaches follows for one Dockerfile, so
// that stages copying from each other many times cannot make it slow;
// past it, a path counts as reaching the final image.
const reachBudget = 10_000

// reachKey is a path of a stage.
type reachKey struct {
	stage int
	path  string
}

// reaches reports whether the file or directory p of stage si may be in
// the final image.
func (a *analysis) reaches(si *stageInfo, p string) bool {
	if si == a.final() {
		return true
	}
	k := reachKey{si.st.Index, p}
	if r, ok := a.reached[k]; ok {
		return r
	}
	if len(a.reached) >= reachBudget {
		return true
	}
	if a.reached == nil {
		a.reached = map[reachKey]bool{}
	}
	a.reached[k] = false // stages only copy from earlier ones: no cycle
	r := a.follow(si, p)
	a.reached[k] = r
	return r
}

// follow is reaches for a path not looked at before.
func (a *analysis) follow(si *stageInfo, p string) bool {
	for _, t := range a.stages[si.st.Index+1:] {
		if t.parent == si && a.reaches(t, p) {
			return true
		}
		for _, c := range a.copies(t) {
			if c.from != si {
				continue
			}
			for _, src := range c.srcs {
				for _, q := range copiedTo(p, src, c.dest) {
					if a.reaches(t, q) {
						return true
					}
				}
			}
		}
	}
	return false
}

// copiedTo returns where a COPY --from of src to dest may put p, or
// nothing when it does not copy p. A source names a path from the root of
// the stage it copies from; dest may be a directory or the copy's new
// name, so both are returned.
func copiedTo(p, src, dest string) []string {
	src = path.Clean("/" + src)
	if strings.Contains(src, "$") {
		return []string{dest, path.Join(dest, path.Base(p))}
	}
	if strings.ContainsAny(src, "*?[") {
		if within(literalPrefix(src), p) {
			// p is a directory the build writes into, and the
			// pattern may match in it.
			return []string{dest}
		}
		for d := p; ; d = path.Dir(d) {
			if m, err := path.Match(src, d); err != nil || m {
				rel := strings.TrimPrefix(p, d)
				return []string{path.Join(dest, rel), path.Join(dest, path.Base(d), rel)}
			}
			if d == "/" {
				return nil
			}
		}
	}
	switch {
	case p == src:
		return []string{dest, path.Join(dest, path.Base(p))}
	case within(p, src):
		// The contents of a directory go into dest.
		return []string{path.Join(dest, strings.TrimPrefix(p, src))}
	case within(src, p):
		// p is a directory the build writes into; src is part of it.
		return []string{dest}
	}
	return nil
}

// buildTarget returns the path g writes its binary to, or the directory
// it writes into, resolved against the step's working directory; false
// when it cannot be told.
func buildTarget(si *stageInfo, g goBuild) (string, bool) {
	wd := g.step.wd
	switch {
	case g.leve:
		if g.output == "" {
			return "", false
		}
		return resolve(wd, g.output), true
	case g.output != "":
		return resolve(wd, g.output), true
	}
	// go build writes into the working directory, go install into GOBIN
	// or GOPATH/bin, the binary named after its one package.
	dir := ""
	if g.install {
		dir = g.env["GOBIN"]
		if dir == "" {
			gopath := g.env["GOPATH"]
			if gopath == "" && si.ref.short() == "golang" {
				gopath = "/go" // the golang image's GOPATH
			}
			if gopath == "" || strings.Contains(gopath, ":") {
				return "", false
			}
			dir = path.Join(gopath, "bin")
			if g.env["GOOS"] != "" || g.env["GOARCH"] != "" {
				// a cross-compiled install goes into bin/GOOS_GOARCH
				return resolve(wd, dir), true
			}
		}
		if strings.Contains(dir, "$") {
			return "", false
		}
	}
	dir = resolve(wd, dir)
	if len(g.pkgs) == 1 {
		if name := binaryName(g.pkgs[0]); name != "" {
			return path.Join(dir, name), true
		}
	}
	return dir, true
}

// majorSuffix is a module path's major version element, such as v2.
var majorSuffix = regexp.MustCompile(`^v[0-9]+$`)

// binaryName returns the name go install gives the binary of package pkg
// (an import path, optionally @version, or a relative directory), "" when
// it depends on more than the argument says.
func binaryName(pkg string) string {
	pkg, _, _ = strings.Cut(pkg, "@")
	pkg = strings.Trim(pkg, `"'`)
	if pkg == "" || strings.ContainsAny(pkg, "$*") || strings.Contains(pkg, "...") {
		return ""
	}
	pkg = path.Clean(pkg)
	if pkg == "." || pkg == ".." || strings.HasSuffix(pkg, "/..") {
		return ""
	}
	name := path.Base(pkg)
	if majorSuffix.MatchString(name) && path.Dir(pkg) != "." {
		name = path.Base(path.Dir(pkg))
	}
	return name
}
