package dockerfile

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
)

// DefaultLeveImage is the repository of leve's own image, which the
// default form's build stage copies leve from; the tag is leve's version.
const DefaultLeveImage = "ghcr.io/leve-build/leve"

// ErrConfigMismatch is returned by Config.Check when the config a build
// gives differs from the one written in the Dockerfile.
var ErrConfigMismatch = errors.New("the image config differs from the Dockerfile's lines")

// Config is the part of an image config a Dockerfile's final stage writes
// with USER, ENV, WORKDIR, LABEL, EXPOSE and ENTRYPOINT. Its JSON names are
// those of the OCI image config.
type Config struct {
	User         string            `json:"User,omitempty"`
	Env          []string          `json:"Env,omitempty"`
	WorkingDir   string            `json:"WorkingDir,omitempty"`
	Entrypoint   []string          `json:"Entrypoint,omitempty"`
	Labels       map[string]string `json:"Labels,omitempty"`
	ExposedPorts []string          `json:"ExposedPorts,omitempty"`
}

// Check returns nil when got equals c, else an error wrapping
// ErrConfigMismatch that names every field that differs.
func (c Config) Check(got Config) error {
	var diffs []string
	add := func(field string, want, have any) {
		diffs = append(diffs, fmt.Sprintf("%s is %s, the Dockerfile says %s", field, jsonString(have), jsonString(want)))
	}
	if c.User != got.User {
		add("User", c.User, got.User)
	}
	if !slices.Equal(c.Env, got.Env) {
		add("Env", c.Env, got.Env)
	}
	if c.WorkingDir != got.WorkingDir {
		add("WorkingDir", c.WorkingDir, got.WorkingDir)
	}
	if !slices.Equal(c.Entrypoint, got.Entrypoint) {
		add("Entrypoint", c.Entrypoint, got.Entrypoint)
	}
	if !maps.Equal(c.Labels, got.Labels) {
		add("Labels", c.Labels, got.Labels)
	}
	if !slices.Equal(sorted(c.ExposedPorts), sorted(got.ExposedPorts)) {
		add("ExposedPorts", c.ExposedPorts, got.ExposedPorts)
	}
	if len(diffs) == 0 {
		return nil
	}
	return fmt.Errorf("%w: %s", ErrConfigMismatch, strings.Join(diffs, "; "))
}

func sorted(s []string) []string {
	s = slices.Clone(s)
	slices.Sort(s)
	return s
}

func jsonString(v any) string {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return fmt.Sprint(v)
	}
	return strings.TrimSuffix(b.String(), "\n")
}

// Spec is what the emitted Dockerfile builds: the program and the image
// config "leve build" gives it, as measured by one build.
type Spec struct {
	// Target is the package to build, relative to the build context, as
	// go build and leve build take it: "." or "./cmd/api".
	Target string
	// Name is the binary's name; the plain form builds /app/NAME.
	Name string
	// GoVersion is the exact Go version, "1.26.8": the golang tag.
	GoVersion string
	// LeveImage is the leve image the default form copies leve from,
	// e.g. "ghcr.io/leve-build/leve:1.0.0".
	LeveImage string
	// Pack makes the default form's leve build pack the binary.
	Pack bool
	// Config is the image config leve build gives.
	Config Config
	// RuntimeFiles are the run-time files leve's analysis added, as paths
	// in the image (the CA bundle, /usr/share/zoneinfo, ...). The plain
	// form copies them from the golang image; passwd and group, which it
	// writes itself, and nsswitch.conf are recognised by path.
	RuntimeFiles []string
	// PullSize is what a client downloads of leve build's image, and
	// GzipSize the same image with one layer recompressed by gzip at level
	// 6, as BuildKit stores it; 0 when not measured.
	PullSize, GzipSize int64
}

// Run-time file paths the plain form knows how to provide.
const (
	CABundle = "/etc/ssl/certs/ca-certificates.crt"
	Zoneinfo = "/usr/local/go/lib/time/zoneinfo.zip"
	NSSwitch = "/etc/nsswitch.conf"
	Passwd   = "/etc/passwd"
	Group    = "/etc/group"
)

// emitter writes instructions, each under its one-phrase comment.
type emitter struct {
	b   bytes.Buffer
	err error
}

func (e *emitter) comment(lines ...string) {
	for _, l := range lines {
		e.b.WriteString("# " + l + "\n")
	}
}

func (e *emitter) ins(comment, line string) {
	if strings.ContainsAny(comment, "\n") || strings.ContainsAny(line, "\n") {
		e.fail(fmt.Errorf("emitting %q: a line break in an instruction", line))
		return
	}
	e.b.WriteString("# " + comment + "\n" + line + "\n")
}

func (e *emitter) blank() { e.b.WriteString("\n") }

func (e *emitter) fail(err error) {
	if e.err == nil {
		e.err = err
	}
}

// word checks that s can be written bare after USER or WORKDIR.
func (e *emitter) word(what, s string) string {
	if s == "" || strings.ContainsAny(s, " \t\n\\$\"'") {
		e.fail(fmt.Errorf("emitting %s %q: it holds a space, quote, backslash or $, which a Dockerfile cannot write bare", what, s))
	}
	return s
}

// quote writes s as a double-quoted Dockerfile value, with no variable
// expanded.
func quote(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `"`, `\"`, `$`, `\$`)
	return `"` + r.Replace(s) + `"`
}

func (e *emitter) config(c Config) {
	if c.User != "" {
		e.ins("Run as the user leve build gives the image.", "USER "+e.word("USER", c.User))
	}
	for _, kv := range c.Env {
		k, v, ok := strings.Cut(kv, "=")
		if !ok || k == "" || strings.ContainsAny(k, " \t\n=\"'$\\") || strings.Contains(v, "\n") {
			e.fail(fmt.Errorf("emitting ENV %q: want KEY=VALUE on one line", kv))
			continue
		}
		e.ins("The environment of leve build's image.", "ENV "+k+"="+quote(v))
	}
	if c.WorkingDir != "" {
		e.ins("The working directory of leve build's image.", "WORKDIR "+e.word("WORKDIR", c.WorkingDir))
	}
	for _, k := range slices.Sorted(maps.Keys(c.Labels)) {
		if strings.Contains(k+c.Labels[k], "\n") {
			e.fail(fmt.Errorf("emitting LABEL %q: a line break", k))
			continue
		}
		e.ins("A label of leve build's image.", "LABEL "+quote(k)+"="+quote(c.Labels[k]))
	}
	for _, p := range sorted(c.ExposedPorts) {
		e.ins("A port the program listens on.", "EXPOSE "+e.word("EXPOSE", p))
	}
	if len(c.Entrypoint) == 0 {
		e.fail(errors.New("emitting ENTRYPOINT: the config has none"))
		return
	}
	e.ins("Start the program in exec form: scratch has no shell.", "ENTRYPOINT "+jsonString(c.Entrypoint))
}

func (s Spec) check() error {
	if s.Name == "" || strings.ContainsAny(s.Name, "/ \t\n\"'$\\") {
		return fmt.Errorf("emitting a Dockerfile: binary name %q: want a plain file name", s.Name)
	}
	if s.GoVersion == "" || strings.ContainsAny(s.GoVersion, " \t\n:/@") {
		return fmt.Errorf("emitting a Dockerfile: Go version %q: want an exact version such as 1.26.8", s.GoVersion)
	}
	return nil
}

func (s Spec) target() string {
	if s.Target == "" {
		return "."
	}
	return s.Target
}

func (s Spec) sizes(e *emitter) {
	if s.PullSize > 0 && s.GzipSize > 0 {
		e.comment(fmt.Sprintf("BuildKit stores the final stage as one layer it recompresses with gzip at level 6: about %d bytes to pull, against %d for leve build's image (%+.1f%%).",
			s.GzipSize, s.PullSize, 100*float64(s.GzipSize-s.PullSize)/float64(s.PullSize)))
	} else {
		e.comment("BuildKit stores the final stage as one layer it recompresses with gzip at level 6, so it cannot reach the pull size of leve build's image.")
	}
}

// Emit returns the default form: a build stage that runs leve itself
// ("leve build --rootfs", which checks the config written below), then
// FROM scratch with the directory leve wrote and the same config lines.
// It uses no RUN --mount, no $BUILDPLATFORM and no heredoc, so that both
// the legacy builder and BuildKit build it.
func Emit(s Spec) ([]byte, error) {
	if err := s.check(); err != nil {
		return nil, err
	}
	if s.LeveImage == "" {
		return nil, errors.New("emitting a Dockerfile: no leve image; give one such as " + DefaultLeveImage + ":1.0.0")
	}
	e := &emitter{}
	e.comment("Generated by \"leve dockerfile\" (docs/dockerfile.md): leve builds the image in the build stage.",
		"It builds with the legacy builder and with BuildKit.")
	s.sizes(e)
	e.blank()
	e.ins("leve itself, pinned to a release.", "FROM "+s.LeveImage+" AS leve")
	e.blank()
	e.ins("The Go toolchain leve analysed the program with.", "FROM golang:"+s.GoVersion+" AS build")
	e.ins("Bring leve into the build stage.", "COPY --from=leve /app/leve /usr/local/bin/leve")
	e.ins("Build from the sources of the context.", "WORKDIR /src")
	e.ins("The build context; a .dockerignore keeps it small.", "COPY . .")
	cfg, err := json.Marshal(s.Config)
	if err != nil {
		return nil, fmt.Errorf("emitting a Dockerfile: %w", err)
	}
	argv := []string{"leve", "build", "--rootfs", "/rootfs", "--expect-config", string(cfg)}
	if s.Pack {
		argv = append(argv, "--pack")
	}
	argv = append(argv, s.target())
	e.ins("leve compiles, strips and checks the program and writes the image's files, failing if the lines below differ.", "RUN "+jsonString(argv))
	e.blank()
	e.ins("The image starts empty: no shell, no libc.", "FROM scratch")
	e.ins("The files leve wrote, owners and modes kept.", "COPY --from=build /rootfs/ /")
	e.config(s.Config)
	if e.err != nil {
		return nil, e.err
	}
	return e.b.Bytes(), nil
}

// EmitPlain returns the --plain form: no leve at build time, Docker's best
// practice for BuildKit: a pinned golang, cache mounts, a static stripped
// build for $TARGETOS/$TARGETARCH on $BUILDPLATFORM, passwd and group for
// nonroot made in the build stage, and only the run-time files leve's
// analysis found copied into FROM scratch.
func EmitPlain(s Spec) ([]byte, error) {
	if err := s.check(); err != nil {
		return nil, err
	}
	e := &emitter{}
	e.comment("Generated by \"leve dockerfile --plain\" (docs/dockerfile.md): no leve at build time; for BuildKit.")
	s.sizes(e)
	e.blank()
	e.ins("The Go toolchain, pinned, run on the builder's own platform.", "FROM --platform=$BUILDPLATFORM golang:"+s.GoVersion+" AS build")
	e.ins("The operating system to build for, set by BuildKit.", "ARG TARGETOS")
	e.ins("The architecture to build for, set by BuildKit.", "ARG TARGETARCH")
	e.ins("Build from the sources of the context.", "WORKDIR /src")
	e.ins("The module files first, so the download is cached apart.", "COPY go.* ./")
	e.ins("Download the modules into a cache mount.", "RUN --mount=type=cache,target=/go/pkg/mod go mod download")
	e.ins("The build context; a .dockerignore keeps it small.", "COPY . .")
	e.ins("A static, path-free, stripped binary for the target platform.",
		"RUN --mount=type=cache,target=/go/pkg/mod --mount=type=cache,target=/root/.cache/go-build "+
			"CGO_ENABLED=0 GOOS=$TARGETOS GOARCH=$TARGETARCH go build -trimpath -ldflags=\"-s -w\" -o /out/"+s.Name+" "+s.target())
	nss := ""
	if slices.Contains(s.RuntimeFiles, NSSwitch) {
		nss = ` && printf 'hosts: files dns\n' > /out/root/etc/nsswitch.conf`
	}
	e.ins("Users root and nonroot (65532), the nonroot home and /tmp, as leve writes them.",
		`RUN mkdir -p /out/root/etc /out/root/home/nonroot /out/root/tmp && `+
			`chown 65532:65532 /out/root/home/nonroot && chmod 700 /out/root/home/nonroot && chmod 1777 /out/root/tmp && `+
			`printf 'root:x:0:0:root:/root:/sbin/nologin\nnonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin\n' > /out/root/etc/passwd && `+
			`printf 'root:x:0:\nnonroot:x:65532:\n' > /out/root/etc/group`+nss)
	e.blank()
	e.ins("The image starts empty: no shell, no libc.", "FROM scratch")
	e.ins("The accounts, the nonroot home and /tmp, owners and modes kept.", "COPY --from=build /out/root/ /")
	for _, f := range slices.Sorted(slices.Values(s.RuntimeFiles)) {
		switch f {
		case CABundle:
			e.ins("The CA bundle: the program verifies TLS certificates.", "COPY --from=build "+CABundle+" "+CABundle)
		case Zoneinfo:
			e.ins("Time zone data, where ZONEINFO below points: the program loads time zones.", "COPY --from=build "+Zoneinfo+" "+Zoneinfo)
		case Passwd, Group, NSSwitch: // written in the build stage
		default:
			e.fail(fmt.Errorf("emitting --plain: run-time file %s: the plain form cannot provide it; use the default form", f))
		}
	}
	e.ins("The program.", "COPY --from=build /out/"+s.Name+" /app/"+s.Name)
	e.config(s.Config)
	if e.err != nil {
		return nil, e.err
	}
	return e.b.Bytes(), nil
}

// ParseConfig reads a Config from its JSON, as --expect-config takes it;
// unknown fields are refused, so a misspelt one is not ignored.
func ParseConfig(s string) (Config, error) {
	var c Config
	dec := json.NewDecoder(strings.NewReader(s))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&c); err != nil {
		return c, fmt.Errorf("reading the expected config %q: %w; want JSON such as {\"User\":\"65532:65532\",\"Entrypoint\":[\"/app/hello\"]}", s, err)
	}
	if dec.More() {
		return c, fmt.Errorf("reading the expected config %q: more than one JSON value", s)
	}
	return c, nil
}

// FinalConfig returns the config the final stage's lines write: USER,
// ENV, WORKDIR, LABEL, EXPOSE and ENTRYPOINT, with variables expanded as
// BuildKit does. The final stage must be FROM scratch (a base's config
// would add to it) and its ENTRYPOINT in exec form.
func (f *File) FinalConfig() (Config, error) {
	st := f.Final()
	if st == nil {
		return Config{}, errors.New("reading the final stage's config: the Dockerfile has no FROM")
	}
	if st.Base != "scratch" {
		return Config{}, fmt.Errorf("reading the final stage's config: line %d: it is FROM %s, and only a scratch stage's config is all in its lines", st.From.Line, st.Base)
	}
	var c Config
	env := map[string]string{}
	expand := func(in Instruction, w string) (string, error) {
		v, ok := f.Expand(w, env)
		if !ok {
			return v, fmt.Errorf("reading the final stage's config: line %d: %q names a variable the stage does not set", in.Line, w)
		}
		return v, nil
	}
	for _, in := range st.Instructions {
		var err error
		switch in.Command {
		case "USER", "WORKDIR":
			if len(in.Args) == 0 {
				continue
			}
			var v string
			if v, err = expand(in, in.Args[0]); err != nil {
				return c, err
			}
			if in.Command == "USER" {
				c.User = v
			} else if strings.HasPrefix(v, "/") {
				c.WorkingDir = v
			} else {
				c.WorkingDir = strings.TrimSuffix(c.WorkingDir, "/") + "/" + v
			}
		case "ENV", "LABEL":
			for _, kv := range in.Pairs() {
				k, err := expand(in, kv[0])
				if err != nil {
					return c, err
				}
				v, err := expand(in, kv[1])
				if err != nil {
					return c, err
				}
				if in.Command == "LABEL" {
					if c.Labels == nil {
						c.Labels = map[string]string{}
					}
					c.Labels[k] = v
					continue
				}
				env[k] = v
				c.Env = slices.DeleteFunc(c.Env, func(e string) bool { return strings.HasPrefix(e, k+"=") })
				c.Env = append(c.Env, k+"="+v)
			}
		case "EXPOSE":
			for _, p := range in.Args {
				if p, err = expand(in, p); err != nil {
					return c, err
				}
				if !strings.Contains(p, "/") {
					p += "/tcp"
				}
				c.ExposedPorts = append(c.ExposedPorts, p)
			}
		case "ENTRYPOINT":
			if !in.JSON {
				return c, fmt.Errorf("reading the final stage's config: line %d: a shell-form ENTRYPOINT, which scratch cannot run; use the exec form", in.Line)
			}
			c.Entrypoint = slices.Clone(in.Args)
		}
	}
	c.ExposedPorts = sorted(c.ExposedPorts)
	return c, nil
}
