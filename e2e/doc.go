// Package e2e tests the leve command end to end: it builds cmd/leve once, runs
// "leve build" on the examples and checks the results with real container
// tools (skopeo, umoci, oci-image-tool, runc and a private dockerd).
//
// A test whose tool is missing is skipped, unless the environment variable CI
// is "true": in CI every tool is required and a missing one fails the test.
// The tools are the Debian packages skopeo, umoci, oci-image-tool, runc,
// docker.io, qemu-user-static and busybox-static; the container tests run
// as root. The whole package is skipped with -short. Run with:
//
//	CI=true go test ./e2e/
package e2e
