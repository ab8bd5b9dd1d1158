// Package options holds the flag sets of leve's commands: plain structs
// with AddFlags to bind them and Validate to check them before any work.
package options

import (
	"fmt"
	"os"
	"path"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/pflag"

	"github.com/leve-build/leve/pkg/assemble"
	"github.com/leve-build/leve/pkg/deflate"
	"github.com/leve-build/leve/pkg/pipeline"
	"github.com/leve-build/leve/pkg/platform"
	"github.com/leve-build/leve/pkg/publish"
	"github.com/leve-build/leve/pkg/regopts"
)

// Build holds the flags of "leve build".
type Build struct {
	Tag         string
	Output      string
	Tarball     string
	Platform    string
	JSON        bool
	Ldflags     []string
	Tags        []string
	Gcflags     []string
	NoStrip     bool
	User        string
	Entrypoint  []string
	Workdir     string
	Env         []string
	Labels      []string
	Ports       []string
	Adds        []string
	Push        []string
	Insecure    bool
	RegistryCAs []string
	Docker      bool
	Base        string
	Cgo         bool
	CACerts     string
	AddCAs      []string
	TZData      string
	NSSwitch    string
	Passwd      string
	SBOM        string
	Compression string
	Level       string
	Libs        string
	Pack        bool
	// Progress is how progress is shown: auto, tty, plain or quiet; Quiet
	// (-q) is quiet.
	Progress string
	Quiet    bool

	// Rootfs is --rootfs DIR; ExpectConfig is --expect-config: JSON, or
	// a file holding it.
	Rootfs, ExpectConfig string
}

// AddFlags binds the flags to fs.
func (b *Build) AddFlags(fs *pflag.FlagSet) {
	fs.StringVarP(&b.Tag, "tag", "t", "", "image name and tag, NAME[:TAG] (default: the binary's name, tag latest)")
	fs.StringVarP(&b.Output, "output", "o", "", "OCI image layout directory to write (default ./leve-out/NAME)")
	fs.StringVar(&b.Tarball, "tarball", "", "write one tar file that docker load and skopeo read (no layout unless -o is given too)")
	fs.StringVar(&b.Rootfs, "rootfs", "", "write the image's filesystem into `DIR` and its config to DIR.config.json (no layout unless -o is given too)")
	fs.StringVar(&b.ExpectConfig, "expect-config", "", "with --rootfs: fail, writing nothing, unless the image config's User, Env, WorkingDir, Entrypoint, Labels and ExposedPorts are these (`JSON`, a file holding it, or a Dockerfile whose final stage is read; leve dockerfile writes it)")
	fs.StringVar(&b.Platform, "platform", platform.Default.String(), "target platforms, linux/ARCH[/VARIANT] separated by commas, or all; several make an image index")
	fs.BoolVar(&b.JSON, "json", false, "print the build report as one JSON document on stdout")
	fs.StringVar(&b.Progress, "progress", "auto", "how to show progress on stderr: auto (tty on a terminal, else plain), tty (lines redrawn in place), plain or quiet")
	fs.BoolVarP(&b.Quiet, "quiet", "q", false, "show nothing but the result (--progress quiet)")
	fs.StringArrayVar(&b.Ldflags, "ldflags", nil, "extra linker flags, e.g. '-X main.version=1.2' (repeatable)")
	fs.StringSliceVar(&b.Tags, "tags", nil, "build tags (comma-separated or repeated)")
	fs.StringArrayVar(&b.Gcflags, "gcflags", nil, "compiler flags passed to go build -gcflags (repeatable)")
	fs.BoolVar(&b.NoStrip, "no-strip", false, "keep the symbol table and DWARF in the binary")
	fs.BoolVar(&b.Pack, "pack", false, "ship the binary packed into a self-extracting executable (see leve pack); amd64 and arm64")
	fs.StringVar(&b.User, "user", "", "user the container runs as, e.g. root or 1000:1000 (default 65532:65532, nonroot)")
	fs.StringArrayVar(&b.Entrypoint, "entrypoint", nil, "entrypoint argument (repeat for each; default /app/NAME)")
	fs.StringVar(&b.Workdir, "workdir", "", "working directory (default /app)")
	fs.StringArrayVar(&b.Env, "env", nil, "environment variable KEY=VALUE (repeatable)")
	fs.StringArrayVar(&b.Labels, "label", nil, "image label KEY=VALUE (repeatable)")
	fs.StringArrayVar(&b.Ports, "port", nil, "exposed port, PORT[/tcp|udp] (repeatable)")
	fs.StringArrayVar(&b.Adds, "add", nil, "copy a host file or directory into the image, SRC:DEST (repeatable)")
	fs.StringArrayVar(&b.Push, "push", nil, "push to a registry, REGISTRY/REPO[:TAG] (repeatable; credentials from docker login and credential helpers)")
	fs.BoolVar(&b.Insecure, "insecure", false, "for --push and --base registries: allow plain HTTP and skip TLS certificate verification")
	fs.StringArrayVar(&b.RegistryCAs, "registry-ca", nil, "PEM file of a CA to trust for --push and --base registries, besides the system roots (repeatable)")
	fs.BoolVar(&b.Docker, "docker", false, "load the image into the Docker engine on DOCKER_HOST")
	fs.StringVar(&b.Base, "base", "scratch", "base image: scratch, a registry reference (alpine:3.24), oci:DIR[:TAG] or docker-archive:FILE")
	fs.StringVar(&b.CACerts, "ca-certs", "auto", "CA certificates: auto (when the binary loads system roots), none, bundle, host or a PEM FILE (exactly that bundle; see --add-ca)")
	fs.StringArrayVar(&b.AddCAs, "add-ca", nil, "PEM FILE of a CA (e.g. a corporate one) to trust besides the public roots: appended to the --ca-certs bundle (repeatable)")
	fs.StringVar(&b.TZData, "tzdata", "auto", "time zone data: auto (when the binary calls time.LoadLocation without time/tzdata) or none")
	fs.StringVar(&b.NSSwitch, "nsswitch", "auto", "/etc/nsswitch.conf: auto (when the binary resolves host names) or none")
	fs.StringVar(&b.Passwd, "passwd", "auto", "/etc/passwd and /etc/group: auto (root and nonroot) or none")
	fs.StringVar(&b.Compression, "compression", "gzip", "layer compression: gzip (every runtime pulls it) or zstd (Docker 23+, containerd 1.5+)")
	fs.StringVar(&b.Level, "level", "default", "compression level: fast, default or max")
	fs.StringVar(&b.SBOM, "sbom", "spdx", "SBOM attached to the image as an OCI referrer: spdx, cyclonedx or none")
	fs.StringVar(&b.Libs, "libs", "", "copy: copy a dynamic binary's loader and shared libraries (and glibc's NSS modules) from the build host")
	fs.BoolVar(&b.Cgo, "cgo", false, "build with CGO_ENABLED=1, for programs that need C (needs a --base with their libraries)")
}

// Validate checks the flags and returns the pipeline options they give.
// target is the build target argument.
func (b *Build) Validate(target string) (pipeline.Options, error) {
	o := pipeline.Options{Target: target, Compile: b.compile(), NoStrip: b.NoStrip, Pack: b.Pack,
		Config: pipeline.ImageConfig{User: b.User, Entrypoint: b.Entrypoint, WorkingDir: b.Workdir},
		Base:   b.Base, Registry: b.Registry(), PlatformsFromBase: b.Platform == "all"}
	if err := o.Registry.Check(); err != nil {
		return o, fmt.Errorf("--registry-ca: %w; give a PEM file of the registry's CA certificate", err)
	}
	var err error
	if o.Platforms, err = platform.ParseList(b.Platform); err != nil {
		return o, fmt.Errorf("--platform: %w", err)
	}
	if b.Tag != "" {
		ref, err := publish.ParseRef(b.Tag)
		if err != nil {
			return o, fmt.Errorf("-t: %w", err)
		}
		o.Name, o.Tag = ref.Name, ref.Tag
	}
	if b.User != "" {
		if err := checkUser(b.User); err != nil {
			return o, err
		}
	}
	for _, e := range b.Env {
		if k, _, ok := strings.Cut(e, "="); !ok || k == "" {
			return o, fmt.Errorf("--env %q: want KEY=VALUE", e)
		}
	}
	o.Config.Env = b.Env
	if len(b.Labels) > 0 {
		o.Config.Labels = map[string]string{}
	}
	for _, l := range b.Labels {
		k, v, ok := strings.Cut(l, "=")
		if !ok || k == "" {
			return o, fmt.Errorf("--label %q: want KEY=VALUE", l)
		}
		o.Config.Labels[k] = v
	}
	for _, p := range b.Ports {
		if err := checkPort(p); err != nil {
			return o, err
		}
	}
	o.Config.Ports = b.Ports
	for _, a := range b.Adds {
		src, dest, ok := strings.Cut(a, ":")
		if !ok || src == "" || !strings.HasPrefix(dest, "/") {
			return o, fmt.Errorf("--add %q: want SRC:DEST with an absolute DEST, e.g. ./static:/app/static", a)
		}
		if _, err := os.Stat(src); err != nil {
			return o, fmt.Errorf("--add %q: %s does not exist", a, src)
		}
		o.Files.Adds = append(o.Files.Adds, pipeline.Add{Src: src, Dest: dest})
	}
	if err := b.runtimeFiles(&o); err != nil {
		return o, err
	}
	if err := b.checkUserNames(o.Files.Adds); err != nil {
		return o, err
	}
	if o.Layers.Compression, o.Layers.Level, err = b.LayerCompression(); err != nil {
		return o, err
	}
	var ok bool
	if o.SBOM, ok = pipeline.ParseSBOMFormat(b.SBOM); !ok {
		return o, fmt.Errorf("--sbom %q: want spdx, cyclonedx or none", b.SBOM)
	}
	if o.Config.Created, err = sourceDateEpoch(); err != nil {
		return o, err
	}
	return o, nil
}

// Targets returns the options pipeline.Targets expands patterns such as
// ./... with: the first --platform, --tags and --cgo.
func (b *Build) Targets() (pipeline.Options, error) {
	o := pipeline.Options{Compile: b.compile()}
	var err error
	if o.Platforms, err = platform.ParseList(b.Platform); err != nil {
		return o, fmt.Errorf("--platform: %w", err)
	}
	return o, nil
}

// runtimeFiles parses --ca-certs, --add-ca, --tzdata, --nsswitch,
// --passwd and --libs into o's run-time file policies.
func (b *Build) runtimeFiles(o *pipeline.Options) error {
	for flag, p := range map[string]struct {
		v   string
		dst *pipeline.FilePolicy
	}{"--tzdata": {b.TZData, &o.Files.TZData}, "--nsswitch": {b.NSSwitch, &o.Files.NSSwitch}, "--passwd": {b.Passwd, &o.Files.Passwd}} {
		var ok bool
		if *p.dst, ok = pipeline.ParseFilePolicy(p.v); !ok {
			return fmt.Errorf("%s %q: want auto or none", flag, p.v)
		}
	}
	ca, ok := pipeline.ParseCASource(b.CACerts)
	if !ok {
		return fmt.Errorf("--ca-certs %q: want auto, none, bundle, host or an existing PEM file", b.CACerts)
	}
	if ca.Kind == pipeline.CAFile {
		if _, err := os.Stat(ca.File); err != nil {
			return fmt.Errorf("--ca-certs %q: want auto, none, bundle, host or an existing PEM file", b.CACerts)
		}
		if _, _, err := assemble.ReadCertificates(ca.File); err != nil {
			return fmt.Errorf("--ca-certs: %w", err)
		}
	}
	if len(b.AddCAs) > 0 && ca.Kind == pipeline.CANone {
		return fmt.Errorf("--add-ca adds to the CA bundle and --ca-certs none leaves the bundle out; drop one, or give --ca-certs FILE for a bundle of exactly FILE's certificates")
	}
	for _, f := range b.AddCAs {
		if _, _, err := assemble.ReadCertificates(f); err != nil {
			return fmt.Errorf("--add-ca: %w", err)
		}
	}
	o.Files.CACerts, o.Files.AddCACerts = ca, b.AddCAs
	if o.Files.Libs, ok = pipeline.ParseLibsPolicy(b.Libs); !ok {
		return fmt.Errorf("--libs %q: want copy (or leave it out)", b.Libs)
	}
	return nil
}

// LayerCompression parses --compression and --level.
func (b *Build) LayerCompression() (assemble.Compression, deflate.Level, error) {
	c, err := assemble.ParseCompression(b.Compression)
	if err != nil {
		return 0, 0, fmt.Errorf("--compression/--level: %w", err)
	}
	l, err := assemble.ParseLevel(b.Level)
	if err != nil {
		return 0, 0, fmt.Errorf("--compression/--level: %w", err)
	}
	return c, l, nil
}

// compile returns the go build settings of --ldflags, --tags, --gcflags
// and --cgo.
func (b *Build) compile() pipeline.CompileSettings {
	return pipeline.CompileSettings{Ldflags: b.Ldflags, Tags: b.Tags, Gcflags: b.Gcflags, Cgo: b.Cgo}
}

// Registry returns the registry options of --insecure and --registry-ca,
// for --base pulls and --push alike.
func (b *Build) Registry() regopts.Options {
	return regopts.Options{Insecure: b.Insecure, CAFiles: b.RegistryCAs}
}

// userPart is a user or group name as useradd(8) takes it.
var userPart = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_.-]*\$?$`)

// checkUser checks --user against the grammar of the image config's User
// (what docker run --user takes): USER or USER:GROUP, each a name or a
// number from 0 to 4294967294.
func checkUser(u string) error {
	parts := strings.Split(u, ":")
	bad := len(parts) > 2
	for _, p := range parts {
		if n, err := strconv.ParseUint(p, 10, 32); err == nil {
			bad = bad || n == 1<<32-1
			continue
		}
		bad = bad || !userPart.MatchString(p)
	}
	if bad {
		return fmt.Errorf("--user %q: want USER or USER:GROUP, each a name or a number below 4294967295, e.g. nonroot, 1000 or 1000:1000", u)
	}
	return nil
}

// checkUserNames refuses, on scratch, a --user name that the image's
// /etc/passwd or /etc/group (leve's: root and nonroot, or none with
// --passwd none) does not have, unless an --add brings those files.
func (b *Build) checkUserNames(adds []pipeline.Add) error {
	if b.User == "" || b.Base != "scratch" {
		return nil
	}
	for _, a := range adds {
		switch path.Clean("/" + a.Dest) {
		case "/", "/etc", "/etc/passwd", "/etc/group":
			return nil
		}
	}
	for i, name := range strings.Split(b.User, ":") {
		if _, err := strconv.ParseUint(name, 10, 32); err == nil || (b.Passwd != "none" && (name == "root" || name == "nonroot")) {
			continue
		}
		file, has := "/etc/passwd", "root and nonroot only"
		if i == 1 {
			file = "/etc/group"
		}
		if b.Passwd == "none" {
			has = "no names (--passwd none)"
		}
		return fmt.Errorf("--user %q: on scratch the image's %s has %s, so %s would fail at run time; give a number (e.g. 1000:1000), --add your own %s, or a --base that has it", b.User, file, has, name, file)
	}
	return nil
}

func checkPort(p string) error {
	num, proto, hasProto := strings.Cut(p, "/")
	n, err := strconv.Atoi(num)
	if err != nil || n < 1 || n > 65535 || (hasProto && proto != "tcp" && proto != "udp" && proto != "sctp") {
		return fmt.Errorf("--port %q: want PORT[/tcp|udp|sctp] with PORT from 1 to 65535", p)
	}
	return nil
}

// sourceDateEpoch reads SOURCE_DATE_EPOCH, the reproducible-builds
// convention for the creation time.
func sourceDateEpoch() (*time.Time, error) {
	s := os.Getenv("SOURCE_DATE_EPOCH")
	if s == "" {
		return nil, nil
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < 0 {
		return nil, fmt.Errorf("SOURCE_DATE_EPOCH=%q: want a non-negative number of seconds since 1970", s)
	}
	t := time.Unix(n, 0).UTC()
	return &t, nil
}
