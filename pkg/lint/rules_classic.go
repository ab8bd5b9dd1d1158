package lint

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/leve-build/leve/pkg/dockerfile"
)

// secretWords are name parts that mark a secret; secretPairs are two
// consecutive parts that do.
var (
	secretWords = map[string]bool{
		"password": true, "passwd": true, "pword": true, "secret": true, "token": true,
		"credential": true, "credentials": true, "apikey": true, "privatekey": true, "accesskey": true,
	}
	secretPairs = map[[2]string]bool{
		{"api", "key"}: true, {"private", "key"}: true, {"access", "key"}: true, {"secret", "key"}: true,
	}
)

// secretName reports whether an ARG or ENV name looks like a secret.
func secretName(name string) bool {
	parts := strings.FieldsFunc(strings.ToLower(name), func(r rune) bool { return r == '_' || r == '-' || r == '.' })
	if len(parts) == 0 {
		return false
	}
	switch parts[len(parts)-1] {
	case "file", "path", "dir", "id", "url", "name", "public":
		return false // where the secret is, not the secret
	}
	for i, p := range parts {
		if secretWords[p] || i > 0 && secretPairs[[2]string{parts[i-1], p}] {
			return true
		}
	}
	return false
}

func checkSecrets(a *analysis) {
	for _, in := range instructions(a.f) {
		if in.Command != "ARG" && in.Command != "ENV" {
			continue
		}
		for _, kv := range in.Pairs() {
			if secretName(kv[0]) {
				a.report(&in, Error, fmt.Sprintf("%s %s looks like a secret: its value is kept in the image's config or build history for anyone who pulls it", in.Command, kv[0]), 0, "")
				break
			}
		}
	}
}

// imageUse is an image a FROM or a COPY --from names.
type imageUse struct {
	in  *dockerfile.Instruction
	ref imageRef
	how string // "FROM" or "COPY --from="
}

// images lists the images the file pulls: each FROM that names no stage
// and each COPY --from that names no stage, once their variables expand.
func (a *analysis) images() []imageUse {
	var out []imageUse
	for _, si := range a.stages {
		if si.parent == nil && si.known && !si.ref.scratch() {
			out = append(out, imageUse{&si.st.From, si.ref, "FROM "})
		}
		for _, s := range si.steps {
			from, ok := s.in.Flag("from")
			if !ok || s.in.Command != "COPY" || a.stageNamed(from, s.env) != nil {
				continue
			}
			if e, ok := a.f.Expand(from, s.env); ok && e != "" {
				if r := parseRef(e); !r.scratch() {
					out = append(out, imageUse{s.in, r, "COPY --from="})
				}
			}
		}
	}
	return out
}

func checkUnpinned(a *analysis) {
	for _, u := range a.images() {
		r := u.ref
		fix := fmt.Sprintf("pin an exact version tag: %s%s:<version>%s", u.how, r.name(), r.versionExample())
		switch {
		case r.pinned():
		case r.tag == "":
			a.reportFix(u.in, Warning, fmt.Sprintf("%s%s has no tag: it means %s:latest, whatever that is on the day of the build", u.how, r.raw, r.raw), fix, 0, "")
		case r.tag == "latest":
			a.reportFix(u.in, Warning, fmt.Sprintf("%s%s: latest moves with every release", u.how, r.raw), fix, 0, "")
		default:
			a.reportFix(u.in, Warning, fmt.Sprintf("%s%s: the tag %q is not an exact version, so it moves with each release", u.how, r.raw, r.tag), fix, 0, "")
		}
	}
}

func checkPinDigest(a *analysis) {
	for _, u := range a.images() {
		if u.ref.pinned() && u.ref.digest == "" {
			fix := fmt.Sprintf("add the digest: %s%s@sha256:<digest> (docker buildx imagetools inspect %s shows it)", u.how, u.ref.raw, u.ref.raw)
			a.reportFix(u.in, Info, fmt.Sprintf("%s%s is pinned by tag only; a digest would make it immutable", u.how, u.ref.raw), fix, 0, "")
		}
	}
}

// archiveExts are the suffixes ADD extracts.
var archiveExts = []string{".tar", ".tar.gz", ".tgz", ".tar.bz2", ".tbz2", ".tar.xz", ".txz", ".tar.zst", ".tzst"}

func checkAddLocal(a *analysis) {
	for _, si := range a.stages {
		for _, s := range si.steps {
			if s.in.Command != "ADD" || len(s.in.Args) < 2 || len(s.in.Heredocs) > 0 {
				continue
			}
			local := true
			for _, src := range s.in.Args[:len(s.in.Args)-1] {
				l := strings.ToLower(src)
				if strings.Contains(l, "://") || strings.HasPrefix(l, "git@") || strings.Contains(l, "$") {
					local = false
				}
				for _, e := range archiveExts {
					if strings.HasSuffix(l, e) {
						local = false
					}
				}
			}
			if local {
				a.report(s.in, Warning, fmt.Sprintf("ADD %s copies local files: COPY says what it does, ADD would also extract archives and fetch URLs", strings.Join(s.in.Args[:len(s.in.Args)-1], " ")), 0, "")
			}
		}
	}
}

func checkDockerignore(a *analysis) {
	if a.o.Context == "" {
		return
	}
	candidates := []string{filepath.Join(a.o.Context, ".dockerignore")}
	if a.o.Dockerfile != "" {
		candidates = append(candidates, a.o.Dockerfile+".dockerignore")
	}
	for _, c := range candidates {
		if _, err := os.Stat(c); err == nil {
			return
		}
	}
	for _, si := range a.stages {
		for _, s := range si.steps {
			if (s.in.Command == "COPY" || s.in.Command == "ADD") && len(s.in.Heredocs) == 0 {
				if _, ok := s.in.Flag("from"); !ok {
					a.report(s.in, Info, fmt.Sprintf("the build context %s has no .dockerignore: this %s may take .git, build outputs and local secrets along", a.o.Context, s.in.Command), 0, "")
					return
				}
			}
		}
	}
}

// contextBytes sums the sizes of the regular files that srcs name in the
// build context, 0 when the context is not known.
func (a *analysis) contextBytes(srcs []string) int64 {
	if a.o.Context == "" {
		return 0
	}
	root, err := filepath.Abs(a.o.Context)
	if err != nil {
		return 0
	}
	var n int64
	seen := map[string]bool{}
	for _, src := range srcs {
		if strings.Contains(src, "://") || strings.Contains(src, "$") || strings.HasPrefix(src, "<<") {
			continue
		}
		p := filepath.Join(root, filepath.FromSlash(filepath.Clean("/"+src)))
		matches, err := filepath.Glob(p)
		if err != nil {
			continue
		}
		for _, m := range matches {
			_ = filepath.WalkDir(m, func(p string, d fs.DirEntry, err error) error {
				if err != nil || !d.Type().IsRegular() || seen[p] {
					return nil
				}
				seen[p] = true
				if fi, err := d.Info(); err == nil {
					n += fi.Size()
				}
				return nil
			})
		}
	}
	return n
}
