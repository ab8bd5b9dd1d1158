package lint

import (
	"maps"
	"path"
	"strings"

	"github.com/leve-build/leve/pkg/dockerfile"
)

// analysis is what the rules read: the file, each stage's derived facts
// and the findings so far.
type analysis struct {
	f        *dockerfile.File
	o        Options
	facts    *Facts
	meta     map[string]string
	stages   []*stageInfo
	findings []Finding
	current  string                      // the ID of the rule running
	reached  map[reachKey]bool           // what reaches found, by stage and path
	copied   map[*stageInfo][]copyRecord // what copies found, by stage
}

// stageInfo is what lint derives about one stage.
type stageInfo struct {
	st     *dockerfile.Stage
	parent *stageInfo // the stage FROM names, nil for an image
	ref    imageRef   // the image at the root of the FROM chain
	known  bool       // ref could be expanded
	steps  []step
	builds []goBuild
	rootfs []string // directories "leve build --rootfs" writes
	feeds  bool     // its files reach the final image
	env    map[string]string
	user   string // the last USER, "" if none in the chain
	wd     string // the working directory at the end
}

// step is an instruction with the state in force where it runs.
type step struct {
	in   *dockerfile.Instruction
	env  map[string]string
	wd   string // "" when no WORKDIR was set in the chain
	cmds []command
}

// goBuild is one "go build" or "go install" (or "leve build") in a RUN.
type goBuild struct {
	step     *step
	leve     bool
	install  bool   // go install
	output   string // -o, "" when not given
	stripped bool
	cgo      string // CGO_ENABLED as set, "" when unset
	env      map[string]string
	pkgs     []string // the package arguments
}

func analyse(f *dockerfile.File, o Options, facts *Facts) *analysis {
	a := &analysis{f: f, o: o, facts: facts, meta: map[string]string{}}
	for _, in := range f.MetaArgs {
		for _, kv := range in.Pairs() {
			v, _ := f.Expand(kv[1], a.meta)
			a.meta[kv[0]] = v
		}
	}
	for i := range f.Stages {
		a.stages = append(a.stages, a.stage(&f.Stages[i]))
	}
	// What reaches the final image: its FROM chain and what it copies from,
	// transitively.
	var mark func(si *stageInfo)
	mark = func(si *stageInfo) {
		if si == nil || si.feeds {
			return
		}
		si.feeds = true
		mark(si.parent)
		for _, s := range si.steps {
			if from, ok := s.in.Flag("from"); ok && (s.in.Command == "COPY" || s.in.Command == "ADD") {
				mark(a.stageNamed(from, s.env))
			}
		}
	}
	if len(a.stages) > 0 {
		mark(a.stages[len(a.stages)-1])
	}
	return a
}

// stageNamed returns the stage ref names, or nil for an image.
func (a *analysis) stageNamed(ref string, env map[string]string) *stageInfo {
	ref, _ = a.f.Expand(ref, env)
	st := a.f.Stage(ref)
	if st == nil {
		return nil
	}
	return a.stages[st.Index]
}

func (a *analysis) final() *stageInfo { return a.stages[len(a.stages)-1] }

// stage derives the facts of one stage; earlier stages are known.
func (a *analysis) stage(st *dockerfile.Stage) *stageInfo {
	si := &stageInfo{st: st, env: map[string]string{}}
	b, ok := a.f.Expand(st.Base, a.meta)
	if p := a.f.Stage(b); p != nil && p.Index < st.Index {
		si.parent = a.stages[p.Index]
		si.ref, si.known = si.parent.ref, si.parent.known
		si.env = maps.Clone(si.parent.env)
		si.user, si.wd = si.parent.user, si.parent.wd
	} else {
		si.ref, si.known = parseRef(b), ok
	}
	args := map[string]string{} // ARGs declared in the stage
	for i := range st.Instructions {
		in := &st.Instructions[i]
		env := maps.Clone(si.env)
		maps.Copy(env, args)
		switch in.Command {
		case "ARG":
			for _, kv := range in.Pairs() {
				v := kv[1]
				if v == "" {
					v = a.meta[kv[0]]
				} else {
					v, _ = a.f.Expand(v, env)
				}
				args[kv[0]] = v
				env[kv[0]] = v
			}
		case "ENV":
			for _, kv := range in.Pairs() {
				v, _ := a.f.Expand(kv[1], env)
				si.env[kv[0]] = v
				env[kv[0]] = v
			}
		case "WORKDIR":
			if len(in.Args) > 0 {
				w, _ := a.f.Expand(in.Args[0], env)
				si.wd = resolve(si.wd, w)
			}
		case "USER":
			if len(in.Args) > 0 {
				si.user, _ = a.f.Expand(in.Args[0], env)
			}
		}
		s := step{in: in, env: env, wd: si.wd}
		if in.Command == "RUN" {
			s.cmds = runCommands(in)
		}
		si.steps = append(si.steps, s)
	}
	for i := range si.steps {
		s := &si.steps[i]
		for _, c := range s.cmds {
			if g, ok := parseBuild(s, c); ok {
				si.builds = append(si.builds, g)
				if g.leve && g.output != "" {
					si.rootfs = append(si.rootfs, resolve(s.wd, g.output))
				}
			}
		}
	}
	return si
}

// runCommands returns the simple commands of a RUN: its argv in exec
// form, else its shell script and the heredocs a shell runs.
func runCommands(in *dockerfile.Instruction) []command {
	if in.JSON {
		return []command{makeCommand(in.Args, map[string]string{})}
	}
	script := strings.Join(in.Args, " ")
	cmds := splitShell(script)
	if len(in.Heredocs) > 0 {
		first := ""
		if len(cmds) > 0 && len(cmds[0].args) > 0 {
			first = base(cmds[0].args[0])
		}
		if strings.HasPrefix(first, "<<") || first == "sh" || first == "bash" || first == "ash" || first == "dash" {
			for _, h := range in.Heredocs {
				cmds = append(cmds, splitShell(h.Content)...)
			}
		}
	}
	return cmds
}

// parseBuild recognises go build, go install and leve build.
func parseBuild(s *step, c command) (goBuild, bool) {
	if len(c.args) < 2 {
		return goBuild{}, false
	}
	g := goBuild{step: s}
	env := maps.Clone(s.env)
	maps.Copy(env, c.env)
	tool, verb := base(c.args[0]), c.args[1]
	switch {
	case tool == "go" && (verb == "build" || verb == "install"):
		g.install = verb == "install"
	case tool == "leve" && verb == "build":
		g.leve, g.stripped, g.cgo = true, true, "0"
	default:
		return goBuild{}, false
	}
	var ldflags []string
	for i := 2; i < len(c.args); i++ {
		name, val, hasVal := strings.Cut(strings.TrimPrefix(c.args[i], "-"), "=")
		if !strings.HasPrefix(c.args[i], "-") {
			g.pkgs = append(g.pkgs, c.args[i])
			continue
		}
		name = strings.TrimPrefix(name, "-")
		if !hasVal && i+1 < len(c.args) && (goValueFlags[name] || g.leve && name == "rootfs") {
			i++
			val = c.args[i]
		}
		switch {
		case name == "o" && !g.leve, name == "rootfs" && g.leve:
			g.output = val
		case name == "ldflags":
			ldflags = append(ldflags, strings.Fields(val)...)
		case name == "no-strip" && g.leve:
			g.stripped = false
		}
	}
	if gf, ok := env["GOFLAGS"]; ok && strings.Contains(gf, "-ldflags=") {
		_, v, _ := strings.Cut(gf, "-ldflags=")
		ldflags = append(ldflags, strings.Fields(strings.Trim(v, `'"`))...)
	}
	for _, f := range ldflags {
		if f == "-s" || f == "-s=true" || f == "-s=1" {
			g.stripped = true
		}
	}
	if !g.leve {
		g.cgo = env["CGO_ENABLED"]
	}
	g.env = env
	return g, true
}

// goValueFlags are the go build flags whose value may be the next word.
var goValueFlags = map[string]bool{
	"o": true, "ldflags": true, "gcflags": true, "asmflags": true, "gccgoflags": true,
	"tags": true, "mod": true, "modfile": true, "p": true, "pkgdir": true, "overlay": true,
	"pgo": true, "buildmode": true, "compiler": true, "installsuffix": true, "toolexec": true,
	"C": true, "exec": true, "covermode": true, "coverpkg": true,
}

// resolve returns p made absolute against the working directory wd.
func resolve(wd, p string) string {
	if p == "" {
		return path.Clean("/" + wd)
	}
	if !strings.HasPrefix(p, "/") {
		p = "/" + wd + "/" + p
	}
	return path.Clean(p)
}

// within reports whether p is dir or under it.
func within(p, dir string) bool {
	return p == dir || dir == "/" || strings.HasPrefix(p, dir+"/")
}

// report records a finding of the running rule at in, with the rule's fix.
func (a *analysis) report(in *dockerfile.Instruction, sev Severity, msg string, bytes int64, what string) {
	a.reportFix(in, sev, msg, "", bytes, what)
}

// reportFix is report with a fix written for this finding ("" for the
// rule's own).
func (a *analysis) reportFix(in *dockerfile.Instruction, sev Severity, msg, fix string, bytes int64, what string) {
	r := ruleByID[a.current]
	if bytes <= 0 {
		bytes, what = 0, ""
	}
	if fix == "" {
		fix = r.Fix
	}
	a.findings = append(a.findings, Finding{
		Rule: r.ID, Severity: sev, Line: in.Line, EndLine: in.EndLine,
		Message: msg, Fix: fix, Bytes: bytes, BytesWhat: what,
	})
}

// feeding returns the stages whose files reach the final image.
func (a *analysis) feeding() []*stageInfo {
	var out []*stageInfo
	for _, s := range a.stages {
		if s.feeds {
			out = append(out, s)
		}
	}
	return out
}

// chain returns the final stage and the stages it is built FROM, final
// first.
func (a *analysis) chain() []*stageInfo {
	var out []*stageInfo
	for s := a.final(); s != nil; s = s.parent {
		out = append(out, s)
	}
	return out
}
