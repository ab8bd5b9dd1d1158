// Package inspect explains where an image's bytes go: per layer its blob,
// sizes and the files it adds, changes and removes; the image's disk waste,
// pull waste and efficiency as pkg/imagefs defines them; and the program its
// entrypoint runs, resolved inside the image, with leve's analysis of it
// when it is a Go executable and its interpreter and libraries when it is
// dynamically linked.
//
// Inspect reads an image from a pull.Source; Image reads a v1.Image. Both
// return a Result, which marshals to the JSON schema Schema (camelCase keys)
// and which internal/report renders as text, markdown and HTML.
//
// Compressed sizes come from the source's blobs; a source that holds a
// layer uncompressed (a legacy docker save, docker:) gets the size of its
// gzip at pull.EstimateLevel, marked Estimated. Efficiency never divides by
// zero: an image that stores nothing is 100 % efficient.
//
// The "what leve would ship instead" figures are filled by Options.Slim
// when a caller provides it; Inspect leaves Result.Slim nil otherwise.
package inspect
