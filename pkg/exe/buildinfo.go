package exe

import (
	"bytes"
	"debug/buildinfo"
	"debug/elf"
	"encoding/binary"
	"runtime/debug"
	"strings"
)

const buildInfoMagic = "\xff Go buildinf:"

// readBuildInfo decodes the Go build information of f. It reads the
// .go.buildinfo section (or scans the first writable segment for its magic)
// of the already loaded file, and falls back to debug/buildinfo for the
// pre-1.18 pointer format.
func (f *File) readBuildInfo() (*debug.BuildInfo, error) {
	var blob []byte
	var blobOff int64
	if s := f.elf.Section(".go.buildinfo"); s != nil && s.Type == elf.SHT_PROGBITS {
		blob, blobOff = f.sectionData(s), int64(s.Offset)
	} else {
		for _, p := range f.elf.Progs {
			if p.Type == elf.PT_LOAD && p.Flags&(elf.PF_X|elf.PF_W) == elf.PF_W {
				b := f.data[p.Off : p.Off+p.Filesz]
				if i := bytes.Index(b, []byte(buildInfoMagic)); i >= 0 && i%16 == 0 {
					blob, blobOff = b[i:], int64(p.Off)+int64(i)
				}
				break
			}
		}
	}
	if len(blob) < 32 || !bytes.HasPrefix(blob, []byte(buildInfoMagic)) {
		return nil, ErrNoBuildInfo
	}
	flags := blob[15]
	if flags&2 == 0 {
		// Pre-Go 1.18 format: pointers into the data segment.
		bi, err := buildinfo.Read(sliceReader(f.data))
		if err != nil {
			return nil, formatErr(blobOff, "go build info: %v", err)
		}
		return bi, nil
	}
	rest := blob[32:]
	vers, rest, ok := varintString(rest)
	if !ok {
		return nil, formatErr(blobOff+32, "truncated Go version in build info")
	}
	mod, _, ok := varintString(rest)
	if !ok {
		return nil, formatErr(blobOff+32, "truncated module info in build info")
	}
	if len(mod) >= 33 && mod[len(mod)-17] == '\n' {
		mod = mod[16 : len(mod)-16]
	} else {
		mod = ""
	}
	bi, err := debug.ParseBuildInfo(mod)
	if err != nil {
		return nil, formatErr(blobOff+32, "module info: %v", err)
	}
	bi.GoVersion = vers
	if !strings.HasPrefix(vers, "go") {
		return nil, formatErr(blobOff+32, "bad Go version %q in build info", vers)
	}
	return bi, nil
}

// varintString reads a uvarint-length-prefixed string.
func varintString(b []byte) (s string, rest []byte, ok bool) {
	n, w := binary.Uvarint(b)
	if w <= 0 || n > uint64(len(b)-w) {
		return "", nil, false
	}
	return string(b[w : w+int(n)]), b[w+int(n):], true
}
