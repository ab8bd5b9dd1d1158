// Package bcj implements the branch/call/jump (BCJ) filters that leve's
// packer applies to executable code before LZMA compression.
//
// A BCJ filter rewrites the relative target of branch instructions into an
// absolute one, so that repeated calls to the same function become repeated
// byte strings that the compressor can match. X86 and ARM64 are
// byte-for-byte compatible with the xz / LZMA SDK filters of the same name;
// AMD64 is leve's own:
//
//   - X86: the x86 (32 and 64 bit) E8/E9 call/jmp converter, as `xz --x86`.
//   - ARM64: the AArch64 BL and ADRP converter, as `xz --arm64`.
//   - AMD64: X86, then the RIP-relative operands of Go's amd64 code made
//     absolute (about 2.5 % smaller Go executables than X86; a C decoder
//     for its extra pass is in testdata/rip_decode.c).
//
// Every filter works in place on a byte slice and takes the position of the
// slice's first byte in the filtered stream (start). Encoding and decoding
// must use the same start. leve uses the file offset of the filtered range,
// so a decoder that knows only the file layout can undo the filter; xz uses
// 0 for the start of its input, which is how the tests cross-check the
// filters against xz.
//
// Usage:
//
//	f := bcj.ForMachine(elfFile.Machine)
//	f.Encode(exe[text.Offset:text.Offset+text.Size], uint32(text.Offset))
//	// ... compress, store, decompress ...
//	f.Decode(exe[text.Offset:text.Offset+text.Size], uint32(text.Offset))
package bcj
