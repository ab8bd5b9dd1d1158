// Package lzma is leve's LZMA1 compressor: an encoder with optimal parsing
// (the LZMA SDK's price-based parser: literals, matched literals, matches,
// rep0–rep3, short reps and literal+rep0 chains) over a binary-tree match
// finder whose dictionary covers the whole input, and a small hardened
// decoder.
//
// Streams are raw LZMA1: no header, the properties (lc, lp, pb, dictionary
// size) are returned by Encode and must be kept by the caller (leve's pack
// trailer stores them). The uncompressed size is known to the decoder, so no
// end marker is written unless WithEndMarker is given. Any standard LZMA1
// decoder reads the streams, for example
//
//	xz --format=raw --lzma1=lc=3,lp=0,pb=2,dict=2MiB -dc
//
// Usage:
//
//	// amd64 code: DefaultProps, nice length 128, depth 512
//	comp, props, err := lzma.Encode(exe)
//	// arm64 code, cancellable
//	comp, props, err := lzma.EncodeContext(ctx, exe, lzma.WithProps(lzma.ARM64Props))
//	// faster, a little larger
//	comp, props, err := lzma.Encode(exe, lzma.WithNiceLen(32), lzma.WithDepth(16))
//	// back: props as stored, the original size
//	orig, err := lzma.Decode(comp, props, len(exe))
//
// The match finder runs on its own goroutine, one block ahead of the
// parser. Encoding uses about 10 bytes of memory per input byte: 8 for the
// binary tree, up to 2 for the hash table, and the output.
package lzma
