package engine

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	specs "github.com/opencontainers/runtime-spec/specs-go"

	"github.com/leve-build/leve/pkg/imagefs"
)

// Extractor writes an image's file system into an empty directory,
// never outside it.
type Extractor interface {
	Extract(ctx context.Context, img v1.Image, dir string) error
}

// SafeExtractor extracts with pkg/imagefs: whiteouts applied, hostile
// paths (absolute, "..", symlinks leading out) refused.
type SafeExtractor struct{}

// Extract writes img's layers into dir.
func (SafeExtractor) Extract(ctx context.Context, img v1.Image, dir string) error {
	layers, err := img.Layers()
	if err != nil {
		return fmt.Errorf("reading the image's layers: %w", err)
	}
	if _, err := imagefs.ExtractLayers(ctx, dir, layers); err != nil {
		return fmt.Errorf("extracting the image into %s: %w", dir, err)
	}
	return nil
}

// defaultCaps is Docker's default capability set.
var defaultCaps = []string{
	"CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FSETID", "CAP_FOWNER", "CAP_MKNOD",
	"CAP_NET_RAW", "CAP_SETGID", "CAP_SETUID", "CAP_SETFCAP", "CAP_SETPCAP",
	"CAP_NET_BIND_SERVICE", "CAP_SYS_CHROOT", "CAP_KILL", "CAP_AUDIT_WRITE",
}

// DefaultCapabilities returns Docker's default capability set, the one a
// runc or crun container gets.
func DefaultCapabilities() []string { return append([]string(nil), defaultCaps...) }

// RuntimeSpec returns the OCI runtime configuration (config.json) that runs
// cfg's entrypoint and command as spec asks, over the root file system in
// rootfs (a directory, used to resolve a user name through /etc/passwd and
// /etc/group), named id.
func RuntimeSpec(cfg *v1.ConfigFile, spec Spec, rootfs, id string) (*specs.Spec, error) {
	c := cfg.Config
	args := append(append([]string(nil), c.Entrypoint...), c.Cmd...)
	if len(spec.Args) > 0 {
		args = append(append([]string(nil), c.Entrypoint...), spec.Args...)
	}
	if len(args) == 0 {
		return nil, &Error{Code: ExitCannotRun, Err: fmt.Errorf("%s has no entrypoint or command, and none was given after --", spec.Ref)}
	}
	user, err := resolveUser(rootfs, c.User)
	if err != nil {
		return nil, &Error{Code: ExitEngine, Err: fmt.Errorf("%s: user %q: %w", spec.Ref, c.User, err)}
	}
	env := mergeEnv(c.Env, spec.Env)
	if err := findCommand(rootfs, args[0], env); err != nil {
		return nil, err
	}
	cwd := c.WorkingDir
	if cwd == "" {
		cwd = "/"
	}
	caps := DefaultCapabilities()
	s := &specs.Spec{
		Version: specs.Version,
		Process: &specs.Process{
			Terminal: spec.TTY,
			User:     user,
			Args:     args,
			Env:      env,
			Cwd:      cwd,
			Capabilities: &specs.LinuxCapabilities{
				Bounding: caps, Effective: caps, Permitted: caps,
			},
			NoNewPrivileges: true,
		},
		Root:     &specs.Root{Path: "rootfs", Readonly: !spec.Writable},
		Hostname: id,
		Mounts: []specs.Mount{
			{Destination: "/proc", Type: "proc", Source: "proc", Options: []string{"nosuid", "noexec", "nodev"}},
			{Destination: "/dev", Type: "tmpfs", Source: "tmpfs", Options: []string{"nosuid", "strictatime", "mode=755", "size=65536k"}},
			{Destination: "/dev/pts", Type: "devpts", Source: "devpts", Options: []string{"nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5"}},
			{Destination: "/dev/shm", Type: "tmpfs", Source: "shm", Options: []string{"nosuid", "noexec", "nodev", "mode=1777", "size=65536k"}},
			{Destination: "/dev/mqueue", Type: "mqueue", Source: "mqueue", Options: []string{"nosuid", "noexec", "nodev"}},
			{Destination: "/sys", Type: "sysfs", Source: "sysfs", Options: []string{"nosuid", "noexec", "nodev", "ro"}},
			{Destination: "/tmp", Type: "tmpfs", Source: "tmpfs", Options: []string{"nosuid", "nodev", "mode=1777"}},
		},
		Linux: &specs.Linux{
			Namespaces: []specs.LinuxNamespace{
				{Type: specs.PIDNamespace}, {Type: specs.IPCNamespace}, {Type: specs.UTSNamespace}, {Type: specs.MountNamespace},
			},
			Resources: &specs.LinuxResources{Devices: []specs.LinuxDeviceCgroup{{Allow: false, Access: "rwm"}}},
			MaskedPaths: []string{
				"/proc/acpi", "/proc/asound", "/proc/kcore", "/proc/keys", "/proc/latency_stats", "/proc/timer_list",
				"/proc/timer_stats", "/proc/sched_debug", "/sys/firmware", "/proc/scsi",
			},
			ReadonlyPaths: []string{"/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger"},
		},
	}
	switch spec.Network {
	case "", "none":
		s.Linux.Namespaces = append(s.Linux.Namespaces, specs.LinuxNamespace{Type: specs.NetworkNamespace})
	case "host":
		// The host's network namespace: its sysfs cannot be mounted anew.
		s.Mounts[5] = specs.Mount{Destination: "/sys", Type: "bind", Source: "/sys", Options: []string{"rbind", "nosuid", "noexec", "nodev", "ro"}}
		for _, f := range []string{"/etc/resolv.conf", "/etc/hosts"} {
			if _, err := os.Stat(f); err == nil {
				s.Mounts = append(s.Mounts, specs.Mount{Destination: f, Type: "bind", Source: f, Options: []string{"rbind", "ro"}})
			}
		}
	default:
		return nil, &Error{Code: ExitEngine, Err: ValidNetwork(spec.Network)}
	}
	return s, nil
}

// findCommand checks that cmd is an executable file in rootfs, looked up
// in env's PATH when it has no slash: 127 when it is missing, 126 when it
// cannot be executed, as Docker's CLI exits.
func findCommand(rootfs, cmd string, env []string) error {
	root, err := os.OpenRoot(rootfs)
	if err != nil {
		return engineErr("opening the root file system: %w", err)
	}
	defer root.Close()
	candidates := []string{cmd}
	if !strings.Contains(cmd, "/") {
		candidates = nil
		for _, kv := range env {
			if p, ok := strings.CutPrefix(kv, "PATH="); ok {
				for _, d := range filepath.SplitList(p) {
					candidates = append(candidates, filepath.Join(d, cmd))
				}
			}
		}
	}
	for _, c := range candidates {
		fi, err := root.Stat(strings.TrimPrefix(filepath.Clean("/"+c), "/"))
		if err != nil {
			continue
		}
		if !fi.Mode().IsRegular() || fi.Mode()&0o111 == 0 {
			return &Error{Code: ExitCannotRun, Err: fmt.Errorf("%s in the image is not an executable file", c)}
		}
		return nil
	}
	return &Error{Code: ExitNotFound, Err: fmt.Errorf("%s: not found in the image (its PATH and the path given)", cmd)}
}

// writeSpec writes s as dir/config.json.
func writeSpec(dir string, s *specs.Spec) error {
	b, err := json.MarshalIndent(s, "", "\t")
	if err != nil {
		return fmt.Errorf("encoding config.json: %w", err)
	}
	return os.WriteFile(filepath.Join(dir, "config.json"), b, 0o600)
}

// mergeEnv returns base with each KEY=VALUE of over replacing the same KEY;
// a bare KEY in over takes leve's own value, as Docker's -e KEY does.
func mergeEnv(base, over []string) []string {
	out := append([]string(nil), base...)
	if len(out) == 0 {
		out = []string{"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"}
	}
	for _, kv := range over {
		if !strings.Contains(kv, "=") {
			v, ok := os.LookupEnv(kv)
			if !ok {
				continue
			}
			kv += "=" + v
		}
		key := kv[:strings.Index(kv, "=")+1]
		replaced := false
		for i, e := range out {
			if strings.HasPrefix(e, key) {
				out[i], replaced = kv, true
			}
		}
		if !replaced {
			out = append(out, kv)
		}
	}
	return out
}

// resolveUser turns an image's User ("", "uid", "uid:gid", "name",
// "name:group") into numeric ids, reading rootfs's /etc/passwd and
// /etc/group without leaving rootfs.
func resolveUser(rootfs, user string) (specs.User, error) {
	if user == "" {
		return specs.User{}, nil
	}
	u, g, hasGroup := strings.Cut(user, ":")
	var out specs.User
	root, err := os.OpenRoot(rootfs)
	if err != nil {
		return out, err
	}
	defer root.Close()
	uid, err := strconv.ParseUint(u, 10, 32)
	gidFromPasswd := uint64(0)
	if err != nil {
		ent, ok, err := lookup(root, "etc/passwd", u)
		if err != nil {
			return out, err
		}
		if !ok || len(ent) < 4 {
			return out, fmt.Errorf("no user %q in the image's /etc/passwd", u)
		}
		if uid, err = strconv.ParseUint(ent[2], 10, 32); err != nil {
			return out, fmt.Errorf("/etc/passwd: bad uid for %q", u)
		}
		if gidFromPasswd, err = strconv.ParseUint(ent[3], 10, 32); err != nil {
			return out, fmt.Errorf("/etc/passwd: bad gid for %q", u)
		}
	} else if !hasGroup {
		// A numeric user keeps the group its passwd line gives, if any.
		if ent, ok, _ := lookupUID(root, u); ok && len(ent) >= 4 {
			gidFromPasswd, _ = strconv.ParseUint(ent[3], 10, 32)
		}
	}
	gid := gidFromPasswd
	if hasGroup {
		if gid, err = strconv.ParseUint(g, 10, 32); err != nil {
			ent, ok, err := lookup(root, "etc/group", g)
			if err != nil {
				return out, err
			}
			if !ok || len(ent) < 3 {
				return out, fmt.Errorf("no group %q in the image's /etc/group", g)
			}
			if gid, err = strconv.ParseUint(ent[2], 10, 32); err != nil {
				return out, fmt.Errorf("/etc/group: bad gid for %q", g)
			}
		}
	}
	out.UID, out.GID = uint32(uid), uint32(gid)
	return out, nil
}

// lookup returns the fields of the line of file (inside root) whose first
// field is name.
func lookup(root *os.Root, file, name string) ([]string, bool, error) {
	return scanDB(root, file, func(f []string) bool { return f[0] == name })
}

func lookupUID(root *os.Root, uid string) ([]string, bool, error) {
	return scanDB(root, "etc/passwd", func(f []string) bool { return len(f) > 2 && f[2] == uid })
}

func scanDB(root *os.Root, file string, match func([]string) bool) ([]string, bool, error) {
	f, err := root.Open(file)
	if os.IsNotExist(err) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("reading the image's /%s: %w", file, err)
	}
	defer f.Close()
	sc := bufio.NewScanner(io.LimitReader(f, 1<<20))
	for sc.Scan() {
		fields := strings.Split(sc.Text(), ":")
		if len(fields) > 0 && match(fields) {
			return fields, true, nil
		}
	}
	return nil, false, sc.Err()
}
