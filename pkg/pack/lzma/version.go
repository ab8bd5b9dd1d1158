package lzma

// Version identifies the encoder's output: equal inputs and options give
// equal bytes within one Version. Caches of packed executables key on it,
// so a changed encoder never serves an older one's bytes.
// TestVersionPinsOutput fails when the output changes and Version does not.
const Version = 1
