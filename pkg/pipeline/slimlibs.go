package pipeline

import (
	"bytes"
	"context"
	"debug/elf"
	"fmt"
	"path"
	"strings"

	"github.com/leve-build/leve/pkg/exe"
	"github.com/leve-build/leve/pkg/imagefs"
)

// tripletOf is the Debian multiarch directory name of a GOARCH.
var tripletOf = map[string]string{
	"amd64": "x86_64-linux-gnu", "arm64": "aarch64-linux-gnu", "386": "i386-linux-gnu",
	"arm": "arm-linux-gnueabihf", "ppc64le": "powerpc64le-linux-gnu", "s390x": "s390x-linux-gnu", "riscv64": "riscv64-linux-gnu",
}

// libraryClosure returns the root-relative paths of a dynamic binary's
// interpreter and of every shared library it needs, directly or through
// another library, found in the image in the multiarch and standard
// directories, after the image's LD_LIBRARY_PATH and before those of the
// kept paths (RUNPATH and ld.so.conf are not read), plus glibc's files and dns
// NSS modules when nss is set.
func libraryClosure(ctx context.Context, ifs *imagefs.FS, l exe.Linking, arch string, nss bool, keep []string, ldPath string) ([]string, error) {
	var out []string
	seen := map[string]bool{}
	if l.Interpreter != "" {
		p := strings.TrimPrefix(path.Clean(l.Interpreter), "/")
		if _, err := ifs.Stat(p); err != nil {
			return nil, fmt.Errorf("its interpreter %s is not in the image", l.Interpreter)
		}
		out = append(out, p)
		seen[path.Base(p)] = true
	}
	dirs := []string{"lib", "usr/lib", "lib64", "usr/lib64", "usr/local/lib"}
	if t := tripletOf[arch]; t != "" {
		dirs = append([]string{"lib/" + t, "usr/lib/" + t}, dirs...)
	}
	var first []string // LD_LIBRARY_PATH comes before the standard directories
	for _, d := range strings.Split(ldPath, ":") {
		if d != "" {
			first = append(first, strings.TrimPrefix(path.Clean("/"+d), "/"))
		}
	}
	dirs = append(first, dirs...)
	for _, k := range keep { // --keep of a library in another directory
		dirs = append(dirs, strings.TrimPrefix(path.Dir(path.Clean("/"+k)), "/"))
	}
	find := func(name string) string {
		if strings.Contains(name, "/") {
			p := strings.TrimPrefix(path.Clean(name), "/")
			if _, err := ifs.Stat(p); err == nil {
				return p
			}
			return ""
		}
		for _, d := range dirs {
			p := path.Join(d, name)
			if _, err := ifs.Stat(p); err == nil {
				return p
			}
		}
		return ""
	}
	queue := append([]string(nil), l.Needed...)
	if nss {
		queue = append(queue, "?libnss_files.so.2", "?libnss_dns.so.2")
	}
	for len(queue) > 0 {
		name := queue[0]
		queue = queue[1:]
		optional := strings.HasPrefix(name, "?")
		name = strings.TrimPrefix(name, "?")
		if seen[name] {
			continue
		}
		seen[name] = true
		p := find(name)
		if p == "" {
			if optional {
				continue
			}
			return nil, fmt.Errorf("the library %s it needs is not in the image (looked in /%s)", name, strings.Join(dirs, ", /"))
		}
		out = append(out, p)
		data, err := readImageFile(ctx, ifs, p)
		if err != nil {
			return nil, err
		}
		ef, err := elf.NewFile(bytes.NewReader(data))
		if err != nil {
			return nil, fmt.Errorf("the library /%s is not an ELF file (%v)", p, err)
		}
		more, err := ef.ImportedLibraries()
		ef.Close()
		if err != nil {
			return nil, fmt.Errorf("reading the library /%s: %v", p, err)
		}
		queue = append(queue, more...)
	}
	return out, nil
}
