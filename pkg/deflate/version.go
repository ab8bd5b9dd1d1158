package deflate

// Version identifies the encoder's output: equal inputs and levels give
// equal bytes within one Version. It is part of the keys of caches that
// store compressed layers, so a changed encoder never serves bytes of an
// older one. TestVersionPinsOutput fails when the output changes and
// Version does not.
const Version = 3
