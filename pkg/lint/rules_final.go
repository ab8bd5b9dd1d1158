package lint

import (
	"encoding/json"
	"fmt"
	"path"
	"strings"

	"github.com/leve-build/leve/pkg/dockerfile"
)

func checkShellEntrypoint(a *analysis) {
	var ep, cmd *dockerfile.Instruction
	for _, si := range a.chain() {
		for i := len(si.steps) - 1; i >= 0; i-- {
			in := si.steps[i].in
			if in.Command == "ENTRYPOINT" && ep == nil {
				ep = in
			}
			if in.Command == "CMD" && cmd == nil {
				cmd = in
			}
		}
	}
	in := ep
	if in == nil {
		in = cmd
	}
	if in == nil || in.JSON {
		return
	}
	final := a.final()
	fix := ""
	if argv, ok := execForm(in); ok {
		fix = fmt.Sprintf("use the exec form: %s %s", in.Command, argv)
	}
	if final.known && final.ref.shellLess() {
		a.reportFix(in, Error, fmt.Sprintf("shell-form %s on %s, which has no /bin/sh: the container cannot start", in.Command, final.ref.raw), fix, 0, "")
		return
	}
	a.reportFix(in, Warning, fmt.Sprintf("shell-form %s runs the program under /bin/sh -c: it needs a shell in the image, does not get SIGTERM and ignores docker run's arguments", in.Command), fix, 0, "")
}

func checkUserRoot(a *analysis) {
	final := a.final()
	var last *dockerfile.Instruction
	for _, si := range a.chain() {
		for i := len(si.steps) - 1; i >= 0 && last == nil; i-- {
			if si.steps[i].in.Command == "USER" {
				last = si.steps[i].in
			}
		}
		if last != nil {
			break
		}
	}
	if last == nil {
		if final.known && final.ref.nonRootDefault() {
			return
		}
		a.report(&final.st.From, Warning, "the final image runs as root: no USER instruction", 0, "")
		return
	}
	u := final.user
	if strings.Contains(u, "$") {
		return
	}
	name, _, _ := strings.Cut(u, ":")
	if name == "root" || name == "0" {
		a.report(last, Warning, fmt.Sprintf("USER %s: the final image runs as root", u), 0, "")
	}
}

// copyRecord is a COPY or ADD and where it wrote.
type copyRecord struct {
	step *step
	dest string
	from *stageInfo // nil for the build context
	srcs []string
}

// copies returns the COPY and ADD steps of si with their destinations,
// found once per stage.
func (a *analysis) copies(si *stageInfo) []copyRecord {
	if out, ok := a.copied[si]; ok {
		return out
	}
	if a.copied == nil {
		a.copied = map[*stageInfo][]copyRecord{}
	}
	out := a.findCopies(si)
	a.copied[si] = out
	return out
}

// findCopies is copies for a stage not looked at before.
func (a *analysis) findCopies(si *stageInfo) []copyRecord {
	var out []copyRecord
	for i := range si.steps {
		s := &si.steps[i]
		if (s.in.Command != "COPY" && s.in.Command != "ADD") || len(s.in.Args) < 2 {
			continue
		}
		d, _ := a.f.Expand(s.in.Args[len(s.in.Args)-1], s.env)
		r := copyRecord{step: s, dest: resolve(s.wd, d)}
		if from, ok := s.in.Flag("from"); ok {
			r.from = a.stageNamed(from, s.env)
		}
		for _, src := range s.in.Args[:len(s.in.Args)-1] {
			e, _ := a.f.Expand(src, s.env)
			r.srcs = append(r.srcs, e)
		}
		out = append(out, r)
	}
	return out
}

// literalPrefix cuts p before its first glob or variable character.
func literalPrefix(p string) string {
	if i := strings.IndexAny(p, "*?[$"); i >= 0 {
		p = path.Dir(p[:i] + "x")
	}
	return p
}

func checkChmodCopy(a *analysis) {
	for _, si := range a.chain() {
		cps := a.copies(si)
	steps:
		for i := range si.steps {
			s := &si.steps[i]
			for _, c := range s.cmds {
				if len(c.args) < 2 {
					continue
				}
				tool := base(c.args[0])
				if tool != "chmod" && tool != "chown" && tool != "chgrp" {
					continue
				}
				var targets []string
				operand := false
				for _, w := range c.args[1:] {
					if strings.HasPrefix(w, "-") && !operand && len(targets) == 0 {
						continue
					}
					if !operand {
						operand = true // the mode or the owner
						continue
					}
					targets = append(targets, resolve(s.wd, literalPrefix(w)))
				}
				for _, cp := range cps {
					if cp.step.in.Line > s.in.Line {
						break
					}
					if hit(targets, cp.dest) {
						bytes, what := a.copyBytes(cp)
						a.report(s.in, Warning, fmt.Sprintf("RUN %s over %s, which %s at line %d wrote: the new layer stores those files a second time", tool, cp.dest, cp.step.in.Command, cp.step.in.Line), bytes, what+", stored a second time")
						continue steps
					}
				}
			}
		}
	}
}

// hit reports whether any target overlaps dest.
func hit(targets []string, dest string) bool {
	for _, t := range targets {
		if within(t, dest) || within(dest, t) {
			return true
		}
	}
	return false
}

// copyBytes returns what a copy brought into the image, when known.
func (a *analysis) copyBytes(cp copyRecord) (int64, string) {
	if cp.from == nil {
		if n := a.contextBytes(cp.srcs); n > 0 {
			return n, "the copied files from the build context"
		}
		return 0, ""
	}
	if a.facts == nil {
		return 0, ""
	}
	for _, g := range cp.from.builds {
		if g.stripped {
			return a.facts.Stripped, "the binary"
		}
		return a.facts.Unstripped, "the binary"
	}
	return 0, ""
}

func checkDistroBase(a *analysis) {
	final := a.final()
	if !final.known || !final.ref.distro() {
		return
	}
	built := false
	for _, si := range a.feeding() {
		built = built || len(si.builds) > 0
	}
	if !built {
		return
	}
	root := final
	for _, si := range a.chain() {
		root = si
		for _, s := range si.steps {
			for _, c := range s.cmds {
				if installs(c.args) {
					return
				}
			}
		}
	}
	bytes, what := final.ref.publishedSize()
	what2 := "a static Go binary needs none of it"
	if final.ref.short() == "golang" {
		what2 = "the whole Go toolchain ships with the program"
	}
	a.report(&root.st.From, Warning, fmt.Sprintf("%s is a full distribution as the final base: %s", final.ref.raw, what2), bytes, what)
}

// installs reports whether args install distribution packages.
func installs(args []string) bool {
	if len(args) < 2 {
		return false
	}
	switch base(args[0]) {
	case "apk":
		return args[1] == "add"
	case "apt-get", "apt", "yum", "dnf", "microdnf", "zypper", "tdnf":
		for _, w := range args[1:] {
			if w == "install" {
				return true
			}
		}
	}
	return false
}

func checkCopyBuildDir(a *analysis) {
	for _, si := range a.chain() {
	copies:
		for _, cp := range a.copies(si) {
			if cp.from == nil {
				continue
			}
			src := cp.from
			dirs := map[string]bool{}
			for _, s := range src.steps {
				if s.wd != "" {
					dirs[s.wd] = true
				}
			}
			srcCopies := a.copies(src)
			for _, c := range srcCopies {
				if c.from == nil {
					dirs[c.dest] = true
				}
			}
			for _, p := range cp.srcs {
				p = resolve("/", literalPrefix(p))
				if underAny(p, src.rootfs) {
					continue
				}
				for d := range dirs {
					if within(d, p) {
						var ctxSrcs []string
						for _, c := range srcCopies {
							if c.from == nil && within(c.dest, p) {
								ctxSrcs = append(ctxSrcs, c.srcs...)
							}
						}
						n := a.contextBytes(ctxSrcs)
						fix := fmt.Sprintf("write the binary to a directory of its own (go build -o /out/app) and copy only that: COPY --from=%s /out/app /app", cp.from.label())
						a.reportFix(cp.step.in, Warning, fmt.Sprintf("COPY --from=%s %s copies the stage's work or source directory %s into the final image: the sources ship with the binary", cp.from.label(), p, d), fix, n, "the sources copied from the build context")
						continue copies
					}
				}
			}
		}
	}
}

// underAny reports whether p is one of dirs or inside one.
func underAny(p string, dirs []string) bool {
	for _, d := range dirs {
		if within(p, d) {
			return true
		}
	}
	return false
}

// label names a stage as a COPY --from would.
func (si *stageInfo) label() string {
	if si.st.Name != "" {
		return si.st.Name
	}
	return fmt.Sprint(si.st.Index)
}

// execForm returns the JSON (exec) form of a shell-form instruction whose
// script is one plain command: no variables, operators, redirections or
// quotes the shell would interpret.
func execForm(in *dockerfile.Instruction) (string, bool) {
	script := strings.Join(in.Args, " ")
	if strings.ContainsAny(script, "$`|&;<>()*?[]{}~\\\"'#\n") {
		return "", false
	}
	words := strings.Fields(script)
	if len(words) == 0 || strings.Contains(words[0], "=") {
		return "", false
	}
	b, err := json.Marshal(words)
	if err != nil {
		return "", false
	}
	return strings.ReplaceAll(string(b), `","`, `", "`), true
}
