package lint

import (
	"fmt"
	"path"
	"strings"
)

func checkOutputNamedSource(a *analysis) {
	for _, si := range a.stages {
		for _, g := range si.builds {
			if g.leve || !strings.HasSuffix(g.output, ".go") {
				continue
			}
			minor, ok := si.ref.goMinor()
			sev, why := Error, fmt.Sprintf("%s is not pinned below Go 1.26, and Go >= 1.26 refuses it", si.ref.raw)
			switch {
			case ok && minor < 26:
				sev, why = Warning, fmt.Sprintf("it builds with %s only because that is Go 1.%d; Go >= 1.26 refuses it", si.ref.raw, minor)
			case ok:
				why = fmt.Sprintf("Go 1.%d refuses it", minor)
			}
			a.report(g.step.in, sev, fmt.Sprintf("go build -o %s names the binary like a source file: %s (build output %q already exists and is not an object file)", g.output, why, path.Base(g.output)), 0, "")
		}
	}
}

func checkUnstripped(a *analysis) {
	for _, si := range a.feeding() {
		for _, g := range si.builds {
			if g.stripped || stripsLater(si, g.step) || !a.shipped(si, g) {
				continue
			}
			var bytes int64
			what := ""
			if a.facts != nil {
				bytes, what = a.facts.Unstripped-a.facts.Stripped, "symbols and DWARF that strip removes (measured on the context's program)"
			}
			msg := fmt.Sprintf("%s without -ldflags=\"-s -w\": the symbol table and DWARF ship in the final image", goVerb(g))
			if g.leve {
				msg = "leve build --no-strip: the symbol table and DWARF ship in the final image"
			}
			a.report(g.step.in, Warning, msg, bytes, what)
		}
	}
}

// goVerb names the command a build came from.
func goVerb(g goBuild) string {
	if g.leve {
		return "leve build"
	}
	if len(g.step.cmds) > 0 {
		for _, c := range g.step.cmds {
			if len(c.args) > 1 && base(c.args[0]) == "go" {
				return "go " + c.args[1]
			}
		}
	}
	return "go build"
}

// stripsLater reports whether a strip or upx command runs at or after s in si.
func stripsLater(si *stageInfo, s *step) bool {
	seen := false
	for i := range si.steps {
		if &si.steps[i] == s {
			seen = true
		}
		if !seen {
			continue
		}
		for _, c := range si.steps[i].cmds {
			if len(c.args) > 0 {
				switch base(c.args[0]) {
				case "strip", "llvm-strip", "upx":
					return true
				}
			}
		}
	}
	return false
}

func checkCgo(a *analysis) {
	final := a.final()
	if !final.known || !final.ref.static() {
		return
	}
	for _, si := range a.feeding() {
		if strings.Contains(si.ref.tag, "alpine") && si.ref.short() == "golang" {
			continue // no C compiler there: go build turns cgo off by itself
		}
		for _, g := range si.builds {
			if g.leve || g.cgo == "0" || !a.shipped(si, g) {
				continue
			}
			state := "left on (the golang image's default)"
			if g.cgo != "" {
				state = "CGO_ENABLED=" + g.cgo
			}
			a.report(g.step.in, Warning, fmt.Sprintf("%s with cgo %s for a final base without glibc (%s): a program that imports net or os/user links libc dynamically and does not start there", goVerb(g), state, final.ref.raw), 0, "")
		}
	}
}

func checkGo111Module(a *analysis) {
	relic := func(v string) bool {
		v = strings.ToLower(strings.Trim(v, `"'`))
		return v == "auto" || v == "off"
	}
	for _, in := range a.f.MetaArgs {
		for _, kv := range in.Pairs() {
			if kv[0] == "GO111MODULE" && relic(kv[1]) {
				a.report(&in, Warning, fmt.Sprintf("ARG GO111MODULE=%s builds in GOPATH mode: no go.mod pins the dependencies and no go.sum checks them", kv[1]), 0, "")
			}
		}
	}
	for _, si := range a.stages {
		for _, s := range si.steps {
			switch s.in.Command {
			case "ENV", "ARG":
				for _, kv := range s.in.Pairs() {
					if kv[0] == "GO111MODULE" && relic(kv[1]) {
						a.report(s.in, Warning, fmt.Sprintf("%s GO111MODULE=%s builds in GOPATH mode: no go.mod pins the dependencies and no go.sum checks them", s.in.Command, kv[1]), 0, "")
					}
				}
			case "RUN":
				for _, c := range s.cmds {
					if v, ok := c.env["GO111MODULE"]; ok && relic(v) {
						a.report(s.in, Warning, fmt.Sprintf("GO111MODULE=%s builds in GOPATH mode: no go.mod pins the dependencies and no go.sum checks them", v), 0, "")
						break
					}
				}
			}
		}
	}
}
