// Package exe reads a Go executable and explains what it contains, what it
// costs and what it needs at run time.
//
// It opens a Go ELF executable for linux/amd64, arm64, 386 or arm with
// [Open] or [NewFile], and [File.Report] returns a [Report]: the Go version,
// modules and build settings, the ELF sections and segments, whether the
// binary is stripped and statically linked, the bytes of the file owned by
// each Go package and module, the files the binary needs at run time (CA
// certificates, tzdata, /etc/passwd, resolver configuration, a temp dir,
// shared libraries), and suggestions with an estimated saving.
//
// # Attribution
//
// Every byte of the file is owned by exactly one [Owner]; [File.Ranges]
// returns the map of non-overlapping byte ranges. Ownership comes from the
// pclntab (function code, function metadata, names, file tables and
// funcdata), which the Go runtime needs and so survives stripping, from the
// runtime type descriptors, from code references to read-only and
// initialised data (through the inline tree, so data used by inlined code
// goes to the inlined function's package), and, when present, from the ELF
// symbol table. The same scan of the code finds which packages call each
// package ([PackageSize].UsedBy). Bytes the linker shares between packages (deduplicated strings,
// stack maps, unnamed types) go to the module all their users belong to, or
// to a named shared bucket, never to an arbitrary package. What cannot be
// attributed is reported per section. Memory that takes no file space
// (.bss, .noptrbss) is never counted.
//
// # JSON
//
// A [Report] marshals to the stable JSON schema documented in
// docs/analyze-json.md; [ReadJSON] reads it back, [ReadFile] accepts either
// an executable or a saved report, and [Compare] gives the per-package and
// per-section deltas between two reports. [ParseSize] and [ParseLimit] read
// the size gates ("2MB", "50KB", "5%") of a CI check.
//
// # Security
//
// The reader accepts untrusted input: malformed files give an error (a
// [*FormatError] or one of the sentinel errors), never a panic. It reads
// only what the ELF headers reference, mapped read-only from a file, so
// data appended to an executable costs no memory ([File.Trailing]); it is
// not hardened against headers crafted to reference much data or time.
package exe
