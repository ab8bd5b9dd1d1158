package pack

import (
	"crypto/sha256"
	"debug/elf"
	_ "embed" // the stubs
	"encoding/hex"
	"fmt"
	"sync"

	"github.com/leve-build/leve/pkg/pack/lzma"
)

//go:generate sh stub/build.sh

// The stubs: flat position-independent code, entry point at offset 0,
// built from stub/*.c and stub/*.h by stub/build.sh.
var (
	//go:embed stub/amd64.bin
	stubAMD64 []byte
	//go:embed stub/arm64.bin
	stubARM64 []byte
)

// stubFor returns the stub for the given machine, or nil.
func stubFor(m elf.Machine) []byte {
	switch m {
	case elf.EM_X86_64:
		return stubAMD64
	case elf.EM_AARCH64:
		return stubARM64
	}
	return nil
}

// StubSize returns the size in bytes of the stub for goarch ("amd64" or
// "arm64"), or 0 for another architecture.
func StubSize(goarch string) int {
	switch goarch {
	case "amd64":
		return len(stubAMD64)
	case "arm64":
		return len(stubARM64)
	}
	return 0
}

// FormatID identifies what Pack writes: the stubs' bytes and the LZMA
// encoder's output version. Equal inputs give equal packed files within
// one FormatID, so caches of packed executables key on it.
var FormatID = sync.OnceValue(func() string {
	h := sha256.New()
	h.Write(stubAMD64)
	h.Write(stubARM64)
	fmt.Fprintf(h, "lzma %d, format %d", lzma.Version, Version)
	return hex.EncodeToString(h.Sum(nil))[:16]
})
