// Package deflate is leve's DEFLATE (RFC 1951) encoder, wrapped as gzip
// (RFC 1952) for image layers.
//
// Layers must be gzip that every container runtime can pull, so the format
// is fixed; what leve controls is how well the bytes are parsed into
// literals and matches. The [Default] level uses a near-optimal parser in
// the style of libdeflate's: a binary-tree match finder records every match
// at every position of a block, then a minimum-cost path through the block
// is found several times, each pass pricing literals, lengths and offsets
// from the Huffman codes the previous pass produced. Blocks end where the
// symbol statistics change (libdeflate's heuristic while matching, then an
// entropy estimate over the parse), and each block is written with optimal
// length-limited (15/7-bit) Huffman codes and the smallest run-length
// coding of its header, or as a static or stored block when that is
// smaller.
//
// Large inputs are cut into fixed-size chunks that are parsed concurrently;
// each chunk sees the 32 KiB before it as a dictionary, so matches still
// cross chunk boundaries. Chunk boundaries depend only on the input length
// and the level, never on the number of CPUs, and the gzip header carries no
// name and a zero MTIME: the same input and level always give the same bytes.
// [GzipStream] reads and writes those chunks as they come, in bounded memory
// and checking a context between chunks, and gives the bytes [Gzip] gives.
//
// [Fast] is a lazy hash-chain parser for speed. [Max] searches deeper,
// refines the cost model for up to ten passes and keeps a block split only
// when re-optimizing both halves makes them smaller.
//
// On the stripped hello binary of examples/hello as a layer tar, Default
// is within 0.05 % of libdeflate-gzip -12 and 6 % smaller than Go's and
// klauspost's gzip -9; Max is smaller than libdeflate-gzip -12 and within
// 0.03 % of zopfli. docs/benchmarks.md has the figures.
package deflate
