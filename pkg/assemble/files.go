package assemble

import (
	"fmt"
	"io/fs"
	"strings"

	v1 "github.com/google/go-containerregistry/pkg/v1"
)

// Nonroot is the user and group id leve images run as by default, the
// same as distroless' "nonroot".
const Nonroot = 65532

// Passwd and Group are the /etc/passwd and /etc/group of a scratch image:
// root and nonroot, with no shell (there is none in the image).
const (
	Passwd = "root:x:0:0:root:/root:/sbin/nologin\nnonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin\n"
	Group  = "root:x:0:\nnonroot:x:65532:\n"
)

// SystemFiles returns the entries every scratch image gets: /etc/passwd and
// /etc/group naming root and nonroot, the nonroot home directory owned by
// 65532, and /tmp with mode 1777.
func SystemFiles() []Entry {
	return []Entry{
		{Path: "/etc", Mode: fs.ModeDir | 0o755},
		{Path: "/etc/passwd", Mode: 0o644, Data: []byte(Passwd)},
		{Path: "/etc/group", Mode: 0o644, Data: []byte(Group)},
		{Path: "/home", Mode: fs.ModeDir | 0o755},
		{Path: "/home/nonroot", Mode: fs.ModeDir | 0o700, UID: Nonroot, GID: Nonroot},
		{Path: "/tmp", Mode: fs.ModeDir | fs.ModeSticky | 0o777},
	}
}

// BaseConfig is what a base image's config says that leve extends.
type BaseConfig struct {
	Env        []string
	User       string
	WorkingDir string
}

// ReadBaseConfig returns the env, user and working directory of base.
func ReadBaseConfig(base v1.Image) (BaseConfig, error) {
	cf, err := base.ConfigFile()
	if err != nil {
		return BaseConfig{}, fmt.Errorf("reading base config: %w", err)
	}
	return BaseConfig{Env: cf.Config.Env, User: cf.Config.User, WorkingDir: cf.Config.WorkingDir}, nil
}

// SystemFilesOn returns SystemFiles for an image on base: the base's
// /etc/passwd and /etc/group with leve's nonroot user and group appended
// when they lack them, so the base's accounts stay visible. A nil base
// gives SystemFiles().
func SystemFilesOn(base v1.Image) ([]Entry, error) {
	entries := SystemFiles()
	if base == nil {
		return entries, nil
	}
	files, err := readFiles(base, "etc/passwd", "etc/group")
	if err != nil {
		return nil, fmt.Errorf("reading the base's /etc/passwd and /etc/group: %w", err)
	}
	for i, e := range entries {
		switch e.Path {
		case "/etc/passwd":
			entries[i].Data = mergeAccounts(files["etc/passwd"], Passwd)
		case "/etc/group":
			entries[i].Data = mergeAccounts(files["etc/group"], Group)
		}
	}
	return entries, nil
}

// mergeAccounts appends to base the lines of ours whose name or id base
// does not have yet. A nil base gives ours.
func mergeAccounts(base []byte, ours string) []byte {
	if base == nil {
		return []byte(ours)
	}
	names, ids := map[string]bool{}, map[string]bool{}
	for _, line := range strings.Split(string(base), "\n") {
		f := strings.Split(line, ":")
		if len(f) >= 3 {
			names[f[0]], ids[f[2]] = true, true
		}
	}
	out := string(base)
	if out != "" && !strings.HasSuffix(out, "\n") {
		out += "\n"
	}
	for _, line := range strings.Split(strings.TrimSpace(ours), "\n") {
		f := strings.Split(line, ":")
		if !names[f[0]] && !ids[f[2]] {
			out += line + "\n"
		}
	}
	return []byte(out)
}
