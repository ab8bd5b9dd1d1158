// Package deflate is leve's DEFLATE (RFC 1951) encoder, wrapped as gzip
// (RFC 1952) for image layers.
//
// Layers must be gzip that every container runtime can pull, so the format
// is fixed; what leve controls is how well the bytes are parsed into
// literals and matches. The [Default] level uses a near-optimal parser in
// the style of libdeflate's: a binary-tree match finder records, at every
// position of a block, the longest match of each offset slot (offsets are
// priced by slot, so a shorter match of the same slot never pays), and
// skips the search inside matches of 64 bytes or more. Blocks end where
// the symbol statistics change (libdeflate's heuristic while matching),
// and each block is split once more where an entropy estimate over its
// greedy parse says two blocks are smaller; each part then gets one
// minimum-cost path, pricing literals, lengths and offsets from the
// Huffman codes of its greedy parse. Each block is written with optimal
// length-limited (15/7-bit) Huffman codes (Moffat and Katajainen's
// in-place algorithm, package-merge when the limit binds) and the
// smallest run-length coding of its header, or as a static or stored
// block when that is smaller.
//
// The match finder works on its own copy of a chunk and the window before
// it, in a power-of-two buffer, so that its loads need no bounds checks;
// the parser keeps, beside the matches it caches, where each position's
// matches start, so a block or any part of one is optimized without
// re-indexing.
//
// On amd64 the match finder's tree walk (find, skip), the loop that runs
// it over the positions of a block and observes them for the block split
// (runScan), and the backward pass of the minimum-cost path (minCosts)
// are assembly, which keeps their state in registers, calls the walk
// without going through Go, and fetches the hash entries and first tree
// node of the positions ahead; findGo, skipGo, runScanGo and minCostsGo
// are the same code in Go, used elsewhere and with the purego tag, and
// TestFindMatchesFindGo, TestRunScanMatchesGo and TestMinCostsMatchesGo
// require both to give identical results, so the output never depends on
// the architecture.
//
// Large inputs are cut into fixed-size chunks (512 KiB at Default, 256
// KiB at the other levels) that are parsed concurrently; each chunk sees
// the 32 KiB before it as a dictionary, so matches still cross chunk
// boundaries. Chunk boundaries depend only on the input length
// and the level, never on the number of CPUs, and the gzip header carries no
// name and a zero MTIME: the same input and level always give the same bytes.
//
// Because a chunk's parse depends only on its bytes and the window before
// it, [GzipStreamCache] can keep each parse in a [ChunkCache] and take it
// back when the same chunk comes again: a binary rebuilt after an edit is
// parsed again only in the chunks its changed bytes fall in. An entry
// lists each block's length and, per match, the literals before it, its
// length and offset; it is used only once every match is checked against
// the chunk's bytes, so that an entry damaged, cut short or stored for
// other bytes is parsed again, and the output is always a gzip of the
// input: with the entries GzipStreamCache stored, the same bytes as
// without a cache.
// [GzipStream] reads and writes those chunks as they come, in bounded memory
// and checking a context between chunks, and gives the bytes [Gzip] gives.
//
// [Fast] is a lazy hash-chain parser for speed. [Max] searches deeper,
// parses each block once to plan up to four levels of splits, refines the cost model for up to ten passes and keeps a block split only
// when re-optimizing both halves makes them smaller.
//
// On the stripped hello binary of examples/hello as a layer tar, Default
// comes close to libdeflate-gzip -12 and is about 6 % smaller than Go's
// and klauspost's gzip -9; Max is smaller than libdeflate-gzip -12 and
// close to zopfli. docs/benchmarks.md has the figures of the last run.
//
// # Hot-path benchmarks
//
// The encoder and the paths around it have benchmarks whose names stay
// stable, so that runs before and after a change compare with benchstat:
//
//	go test -run '^$' -bench 'DeflateLevels' -count 6 ./pkg/deflate/ > new.txt
//	go test -run '^$' -bench 'Layer$' -count 6 ./pkg/assemble/ >> new.txt
//	go test -run '^$' -bench 'OpenGoTool' -count 6 ./pkg/exe/ >> new.txt
//	go test -run '^$' -bench 'Pack$' -count 6 ./pkg/pack/ >> new.txt
//	benchstat old.txt new.txt
//
// BenchmarkDeflateLevels/{fast,default,max} compress the hello layer tar,
// BenchmarkLayer builds a gzip layer from a generated 1.5 MB file,
// BenchmarkOpenGoTool analyzes the go command of the toolchain and
// BenchmarkPack packs the hello binary; those that build examples/hello
// skip under -short. On a shared machine instruction counts are steadier
// than time: run valgrind --tool=callgrind on a test binary that
// compresses one input once, with GODEBUG=asyncpreemptoff=1 (callgrind
// does not cope with Go's preemption signals) and GOGC=off (collections
// otherwise move the count by a few percent from run to run). Check CPU
// time as well (user time of several runs, alternating old and new): the
// tree walk waits on memory and on its branches, so fewer instructions
// there can take longer, as a branch-free walk did. Much of what the hot
// loops cost is the compiler moving their state between registers and
// the stack (each call clobbers every register): keeping a loop's
// variables few, and what it reads rarely in memory, paid more than
// removing work.
package deflate
