// Package pipeline runs leve's stages for one target: compile the Go
// source, read the binary, optimize it, package it into an OCI image and
// ship it to the sinks the caller chose. It is the one call the command
// line makes, and the entry point for Go programs that embed leve.
// Analyze runs the same compile, read and strip for one platform and
// returns the analysis of the binary (or reads a binary, a packed one or a
// saved analysis); Targets expands patterns such as "./..." into the main
// packages to build.
//
// Build never prints: compiler diagnostics go to Options.Stderr, and the
// stage timings and sizes come back in the Report.
package pipeline
