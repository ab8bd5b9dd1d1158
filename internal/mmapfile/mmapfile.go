// Package mmapfile maps the first bytes of a regular file into memory, so
// that large inputs are read through the page cache instead of copied
// into the heap.
package mmapfile

// Mode is how a file is mapped.
type Mode int

const (
	// ReadOnly maps the file shared and read-only.
	ReadOnly Mode = iota
	// CopyOnWrite maps the file private and writable: writes change the
	// process's copy only, and the pages it only reads stay the file's.
	CopyOnWrite
)
