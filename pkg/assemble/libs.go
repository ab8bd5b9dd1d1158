package assemble

import (
	"debug/elf"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// libDirs are where the dynamic loader of a Debian-style host finds
// libraries, in its search order.
var libDirs = []string{
	"/lib/x86_64-linux-gnu", "/usr/lib/x86_64-linux-gnu",
	"/lib/aarch64-linux-gnu", "/usr/lib/aarch64-linux-gnu",
	"/lib64", "/usr/lib64", "/lib", "/usr/lib",
}

// nssModules are the glibc NSS modules loaded at run time, through
// dlopen, for user and group lookups (files) and host lookups (dns).
var nssModules = []string{"libnss_files.so.2", "libnss_dns.so.2"}

// nsswitchLibc is the /etc/nsswitch.conf for glibc's NSS modules.
const nsswitchLibc = "passwd: files\ngroup: files\nshadow: files\nhosts: files dns\n"

// SharedLibraries returns the files a dynamically linked binary needs from
// the build host: its ELF interpreter and its DT_NEEDED libraries,
// resolved recursively in the host's library directories, each at the path
// the loader looks for it. With nss, it adds glibc's NSS modules (loaded
// with dlopen, so no DT_NEEDED names them) and an /etc/nsswitch.conf that
// uses them. It copies file contents, not symbolic links.
func SharedLibraries(interp string, needed []string, nss bool) (RuntimeFiles, error) {
	var rf RuntimeFiles
	seen := map[string]bool{}
	// add copies path; a symbolic link to a file becomes the same link
	// in the image, beside the file it points to, so no library is stored
	// twice.
	var add func(path string) error
	add = func(path string) error {
		if seen[path] {
			return nil
		}
		seen[path] = true
		real, err := filepath.EvalSymlinks(path)
		if err != nil {
			return fmt.Errorf("copying %s from the build host: %w", path, err)
		}
		if real != path {
			rf.Entries = append(rf.Entries, Entry{Path: path, Mode: fs.ModeSymlink | 0o777, Target: real})
			return add(real)
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return fmt.Errorf("copying %s from the build host: %w", path, err)
		}
		rf.Entries = append(rf.Entries, Entry{Path: path, Mode: 0o755, Data: b})
		return nil
	}
	if interp != "" {
		if err := add(interp); err != nil {
			return rf, err
		}
	}
	queue := slices.Clone(needed)
	if nss {
		queue = append(queue, nssModules...)
	}
	for len(queue) > 0 {
		name := queue[0]
		queue = queue[1:]
		path, err := findLib(name)
		if err != nil {
			return rf, err
		}
		if seen[path] {
			continue
		}
		if err := add(path); err != nil {
			return rf, err
		}
		f, err := elf.Open(path) // through a link, the file itself
		if err != nil {
			return rf, fmt.Errorf("reading %s: %w", path, err)
		}
		deps, err := f.ImportedLibraries()
		f.Close()
		if err != nil {
			return rf, fmt.Errorf("reading %s: %w", path, err)
		}
		queue = append(queue, deps...)
	}
	if nss {
		rf.Entries = append(rf.Entries, Entry{Path: NSSwitchPath, Mode: 0o644, Data: []byte(nsswitchLibc)})
	}
	slices.SortFunc(rf.Entries, func(a, b Entry) int { return strings.Compare(a.Path, b.Path) })
	return rf, nil
}

// findLib returns the first path of a library in libDirs.
func findLib(name string) (string, error) {
	if filepath.IsAbs(name) {
		return name, nil
	}
	for _, d := range libDirs {
		p := filepath.Join(d, name)
		if fi, err := os.Stat(p); err == nil && !fi.IsDir() {
			return p, nil
		}
	}
	return "", &MissingLibError{Name: name, Dirs: libDirs}
}

// A MissingLibError says a shared library to copy is not on the build
// host.
type MissingLibError struct {
	Name string
	Dirs []string // where it was looked for
}

func (e *MissingLibError) Error() string { return e.Message("choose a base image") }

// Message returns the error as one line, with base the words for
// choosing a base image.
func (e *MissingLibError) Message(base string) string {
	return fmt.Sprintf("library %s is not on the build host (looked in %s); install it or %s that has it", e.Name, strings.Join(e.Dirs, ", "), base)
}
