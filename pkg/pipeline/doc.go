// Package pipeline runs leve's stages for one target: compile the Go
// source, read the binary, optimize it and package it into an OCI image
// (Build), then ship it to the sinks the caller chose (Built.Ship), as two
// calls: a caller may read the built image without shipping it. BuildAll
// builds and ships several targets at once. It is the library the command
// line calls, and the entry point for Go programs that embed leve.
// Analyze runs the same compile, read and strip for one platform and
// returns the analysis of the binary (or reads a binary, a packed one or a
// saved analysis); Targets expands patterns such as "./..." into the main
// packages to build.
//
// Options holds one option group per stage (Compile, Config, Files,
// Layers, SBOM), typed: the enums (SBOMFormat, FilePolicy, CASource,
// LibsPolicy) are parsed once by the caller, and their zero values are
// leve's defaults. The stages hand typed values to the next one; the
// Report is derived from them and never read back.
//
// Build never prints: compiler diagnostics go to Options.Stderr, progress
// goes to Options.Progress as events, and the stage timings and sizes
// come back in the Report.
package pipeline
