// Package cache holds the primitives of leve's build cache ($LEVE_CACHE):
// entries verified against the digest recorded beside them, per-entry
// locks shared by concurrent leve processes, and the usage and pruning
// behind "leve cache".
//
// The cache has four kinds of entries, each in its own directory:
// bin/KEY/ holds one linked binary (go build's output, its digest in
// NAME.sha256 and a lock file), packed/ holds packed binaries (FILE and
// FILE.sha256), layers/ holds compressed layers, chunks/ the parses of
// their chunks (checked by the encoder against the chunk's bytes).
// Nothing outside these directories is ever removed.
package cache
