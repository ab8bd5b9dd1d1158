// Package pack turns a static Linux Go executable into a smaller,
// self-extracting one and back.
//
// A packed file is a freestanding stub (C, no libc, a few KB, in stub/)
// followed by the original compressed with leve's LZMA1 encoder
// (pkg/pack/lzma) after a branch filter (pkg/pack/bcj), a copy of the
// original's Go build information, and a fixed-size Trailer. When it runs,
// the stub decompresses the original into memory and runs it in the same
// process: no temporary file, no memfd, no second exec. The build
// information stays readable by debug/buildinfo, so `go version -m` and
// vulnerability scanners still see the modules of a packed program. The
// format is described in docs/pack-format.md.
//
// Usage:
//
//	packed, stats, err := pack.Pack(ctx, exe)    // exe: []byte or io.ReaderAt
//	orig, err := pack.Unpack(packed)             // the original, byte for byte
//	f, err := pack.Open(r, size)                 // the trailer of a packed file...
//	orig, err = f.Original()                     // ...and its original, CRC-checked
//	ok := pack.IsPacked(r, size)
//
// Pack refuses, with an error wrapping ErrUnsupported that names the
// reason, anything but a static linux/amd64 or linux/arm64 ELF executable
// whose segments sit at one page-aligned distance from their file offsets
// (every Go executable), and, with an error wrapping ErrTooLarge, inputs
// above MaxInputSize (1 GiB) before reading them. Readers return errors
// wrapping ErrNotPacked or ErrCorrupt.
//
// The stubs are rebuilt with `go generate ./pkg/pack/` (clang and lld).
package pack
