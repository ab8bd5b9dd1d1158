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
//	packed, stats, err := pack.Pack(ctx, exe)       // exe: []byte or io.ReaderAt
//	orig, err := pack.Unpack(packed)                // the original, byte for byte
//	f, err := pack.Open(r)                          // trailer and original of a packed file
//	ok := pack.IsPacked(r)
//
// The stubs are rebuilt with `go generate ./pkg/pack/` (clang and lld).
package pack
