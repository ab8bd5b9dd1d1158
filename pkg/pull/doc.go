// Package pull reads images: from a registry, an OCI image layout
// (oci:DIR[:TAG]) or a docker save tarball (docker-archive:FILE). Every
// blob is checked against its descriptor while it streams — the manifest
// against the index, the config against the manifest, each layer's
// compressed bytes against its digest and size and its content against
// the config's diff_id — and a mismatch is a *BlobError naming the image
// and the blob, never bytes passed on.
package pull
