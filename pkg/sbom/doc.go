// Package sbom describes a Go program as a software bill of materials,
// built from the module information the Go linker records in every binary
// ([runtime/debug.BuildInfo], read from a file with [debug/buildinfo]).
//
// [SPDX] returns an SPDX 2.3 JSON document and [CycloneDX] a CycloneDX 1.5
// JSON BOM. Both list the same things: the application (the main module,
// with the binary's SHA-256 when [WithBinaryDigest] gives it), one package
// per dependency module with its package URL (pkg:golang/PATH@VERSION),
// and the Go standard library the binary was linked with
// (pkg:golang/stdlib@go1.X.Y). A replace directive is honoured: a module
// replaced by another module is listed under the replacement's path and
// version; a module replaced by a local directory keeps its own path and
// required version, but its package URL has no version, since the code is
// not that of the published version. Either way the replacement is
// recorded.
//
// # Determinism
//
// The output is a pure function of its inputs. Packages are sorted, the
// creation time is the one passed with [WithCreated] (the Unix epoch by
// default, never the wall clock), and the identifiers that the formats
// usually fill with random values — the SPDX documentNamespace and the
// CycloneDX serialNumber — are derived from a SHA-256 of the content.
// The same build info and options always give the same bytes.
//
// # go.sum hashes
//
// The h1: hash go.sum records for a module is a SHA-256 of a file list,
// not of any file a consumer could download and check, and neither SPDX
// 2.3 nor CycloneDX 1.5 has an algorithm for it. Labelling it SHA256
// would claim a checksum nobody can verify, so it is kept verbatim
// instead: in the package comment in SPDX and as the component property
// "leve:go.sum" in CycloneDX.
package sbom
