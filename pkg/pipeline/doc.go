// Package pipeline runs leve's stages for one target: compile the Go
// source, read the binary, optimize it, package it into an OCI image and
// ship it to the sinks the caller chose. It is the one call the command
// line makes, and the entry point for Go programs that embed leve.
//
// Build never prints: compiler diagnostics go to Options.Stderr, and the
// stage timings and sizes come back in the Report.
package pipeline
