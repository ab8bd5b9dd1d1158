package pipeline

import (
	"context"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"

	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/leve-build/leve/pkg/assemble"
	"github.com/leve-build/leve/pkg/imagefs"
	"github.com/leve-build/leve/pkg/pull"
)

// pullSize is what a pull of img fetches: manifest, config and compressed
// layers, each distinct blob once; estimated when a layer's is.
func pullSize(ctx context.Context, img v1.Image) (int64, bool, error) {
	raw, err := img.RawManifest()
	if err != nil {
		return 0, false, fmt.Errorf("reading manifest: %w", err)
	}
	cfg, err := img.RawConfigFile()
	if err != nil {
		return 0, false, fmt.Errorf("reading config: %w", err)
	}
	infos, err := pull.Layers(ctx, img)
	if err != nil {
		return 0, false, err
	}
	n, est := int64(len(raw)+len(cfg)), false
	for _, l := range infos {
		if l.RepeatOf >= 0 {
			continue
		}
		n += l.CompressedSize
		est = est || l.Estimated
	}
	return n, est, nil
}

// readImageFile reads a file of the image whole.
func readImageFile(ctx context.Context, ifs *imagefs.FS, p string) ([]byte, error) {
	rc, err := ifs.Open(ctx, p)
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	data, err := io.ReadAll(rc)
	if err != nil {
		return nil, fmt.Errorf("reading /%s: %w", p, err)
	}
	return data, nil
}

// imageEntries extracts paths of the image under dir and returns them as
// layer entries with the image's modes and owners, skipping skip (the
// binary, shipped in its own layer).
func imageEntries(ctx context.Context, ifs *imagefs.FS, paths []string, dir, skip string) ([]assemble.Entry, error) {
	if len(paths) == 0 {
		return nil, nil
	}
	if _, err := ifs.Extract(ctx, dir, imagefs.WithOnly(paths...)); err != nil {
		return nil, err
	}
	var out []assemble.Entry
	err := filepath.WalkDir(dir, func(host string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, host)
		rel = filepath.ToSlash(rel)
		if rel == "." || rel == skip {
			return nil
		}
		e, err := ifs.Lstat(rel)
		if err != nil {
			return err
		}
		ae := assemble.Entry{Path: "/" + rel, Mode: e.Mode, UID: e.UID, GID: e.GID}
		switch {
		case d.Type()&fs.ModeSymlink != 0:
			if ae.Target, err = os.Readlink(host); err != nil {
				return err
			}
			ae.Mode = fs.ModeSymlink | 0o777
		case d.IsDir():
			ae.Mode = fs.ModeDir | e.Mode.Perm() | e.Mode&(fs.ModeSticky|fs.ModeSetuid|fs.ModeSetgid)
		default:
			ae.Source = host
			ae.Mode = e.Mode.Perm()
		}
		out = append(out, ae)
		return nil
	})
	return out, err
}

// parentDirs returns directory entries for the parents of p that entries
// do not already hold.
func parentDirs(p string, entries []assemble.Entry) []assemble.Entry {
	var out []assemble.Entry
	for d := path.Dir(p); d != "/" && d != "."; d = path.Dir(d) {
		if !slices.ContainsFunc(entries, func(e assemble.Entry) bool { return e.Path == d }) {
			out = append([]assemble.Entry{{Path: d, Mode: fs.ModeDir | 0o755}}, out...)
		}
	}
	return out
}

func fileSize(e assemble.Entry) int64 {
	if e.Source == "" {
		return int64(len(e.Data))
	}
	if fi, err := os.Lstat(e.Source); err == nil {
		return fi.Size()
	}
	return 0
}

// envValue returns the value of key in a KEY=VALUE list.
func envValue(env []string, key string) string {
	for _, kv := range env {
		if v, ok := strings.CutPrefix(kv, key+"="); ok {
			return v
		}
	}
	return ""
}

// numericUser reports whether u is UID or UID:GID in numbers.
func numericUser(u string) bool {
	for _, part := range strings.Split(u, ":") {
		if part == "" || strings.Trim(part, "0123456789") != "" {
			return false
		}
	}
	return true
}

// keepHealthcheck reports whether a healthcheck still runs in the slimmed
// image: NONE, or CMD running the program itself.
func keepHealthcheck(test []string, prog, cmd0 string) bool {
	if len(test) == 0 || test[0] == "NONE" {
		return true
	}
	return test[0] == "CMD" && len(test) > 1 && (test[1] == prog || test[1] == cmd0)
}

// keptFields names the config fields carried over as they are.
func keptFields(c v1.Config) []string {
	var out []string
	if len(c.Env) > 0 {
		out = append(out, fmt.Sprintf("ENV (%d variables)", len(c.Env)))
	}
	if c.WorkingDir != "" {
		out = append(out, "WORKDIR "+c.WorkingDir)
	}
	if c.User != "" {
		out = append(out, "USER "+c.User)
	} else {
		out = append(out, "USER root (none set, as the original)")
	}
	if len(c.ExposedPorts) > 0 {
		out = append(out, fmt.Sprintf("EXPOSE (%d ports)", len(c.ExposedPorts)))
	}
	if len(c.Labels) > 0 {
		out = append(out, fmt.Sprintf("LABEL (%d labels)", len(c.Labels)))
	}
	if c.StopSignal != "" {
		out = append(out, "STOPSIGNAL "+c.StopSignal)
	}
	if len(c.Volumes) > 0 {
		out = append(out, fmt.Sprintf("VOLUME (%d)", len(c.Volumes)))
	}
	return out
}

// namedPath is the root-relative path the command word name reaches the
// program by, before symlinks are followed: against dir when it has a
// slash, else in the first directory of pathEnv that holds it.
func namedPath(ifs *imagefs.FS, name, pathEnv, dir string) string {
	if strings.Contains(name, "/") {
		return strings.TrimPrefix(path.Join("/", dir, name), "/")
	}
	for _, d := range strings.Split(pathEnv, ":") {
		if d == "" {
			continue
		}
		p := strings.TrimPrefix(path.Join("/", d, name), "/")
		if _, err := ifs.Lstat(p); err == nil {
			return p
		}
	}
	return ""
}
