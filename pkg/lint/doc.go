// Package lint checks a Dockerfile for what costs image size or safety:
// a chmod/chown layer that stores copied files twice, an unstripped go
// build, cgo left on for a static base, a full distribution base under a
// static binary, a binary named like a source file, the whole build
// directory copied into the final image, GO111MODULE relics, and the
// classics (unpinned bases, shell-form ENTRYPOINT on a shell-less base,
// root as the last user, secrets in ARG or ENV, ADD for local files, no
// .dockerignore).
//
// Each rule has an ID, a severity, a fix and, where they can be computed,
// the bytes at stake: from the build context's files and, with
// Options.Measure, from building the Go program in the context. Size rules
// look at the final stage and the stages it copies from. A comment
// "# leve-lint ignore=ID[,ID...]" silences rules for the next instruction,
// or for the whole file when it comes before the first instruction.
//
// The package returns findings and never prints.
package lint
