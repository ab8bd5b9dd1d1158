package pipeline

import (
	"bytes"
	"debug/buildinfo"
	"debug/elf"
	"fmt"
	"runtime/debug"
	"time"
)

// facts is what the read stage learns about a binary.
type facts struct {
	info    *debug.BuildInfo
	static  bool
	interp  string
	needed  []string
	vcsTime time.Time
	setting map[string]string
}

// read parses the ELF headers and the Go build info of a binary.
func read(data []byte) (*facts, error) {
	f, err := elf.NewFile(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("reading binary: not an ELF executable: %w", err)
	}
	defer f.Close()
	info, err := buildinfo.Read(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("reading binary: no Go build info: %w", err)
	}
	fa := &facts{info: info, static: true, setting: map[string]string{}}
	for _, s := range info.Settings {
		fa.setting[s.Key] = s.Value
	}
	if t, err := time.Parse(time.RFC3339, fa.setting["vcs.time"]); err == nil {
		fa.vcsTime = t
	}
	for _, p := range f.Progs {
		if p.Type == elf.PT_INTERP {
			fa.static = false
			b := make([]byte, p.Filesz)
			if _, err := p.ReadAt(b, 0); err == nil {
				fa.interp = string(bytes.TrimRight(b, "\x00"))
			}
		}
	}
	if libs, err := f.ImportedLibraries(); err == nil && len(libs) > 0 {
		fa.static = false
		fa.needed = libs
	}
	return fa, nil
}
