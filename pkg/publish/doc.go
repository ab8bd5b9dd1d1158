// Package publish ships images: every destination is a Sink with one
// method, Publish. Layout writes an OCI image layout directory, Tarball a
// single file that both "docker load" and skopeo read. Writes are atomic:
// a failed or interrupted publish leaves the previous output intact.
// Writers of one layout, in any number of processes, take turns on its
// LockFile.
package publish
