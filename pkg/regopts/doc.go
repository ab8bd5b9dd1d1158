// Package regopts holds how leve reaches container registries, shared by
// the pulls of pkg/pull and the pushes of pkg/publish: credentials, plain
// HTTP and TLS trust, and the one-line explanation of a failed request.
package regopts
