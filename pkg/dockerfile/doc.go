// Package dockerfile reads Dockerfiles into a small typed model: the
// arguments declared before the first FROM, then each build stage with its
// base, name, platform and instructions, every one with the lines it spans
// in the source. Parsing goes through BuildKit's own parser library
// (github.com/moby/buildkit/frontend/dockerfile/parser), so heredocs, the
// escape directive, line continuations and comments inside them, JSON and
// shell forms and ONBUILD are read exactly as BuildKit reads them.
//
// The model only reads: nothing is expanded or evaluated, except by the
// helpers that say so (Expand, Words).
package dockerfile
