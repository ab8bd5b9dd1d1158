// Package pull reads images: from a registry, an OCI image layout
// (oci:DIR[:TAG]) or its tar (oci-archive:FILE), a docker save archive in
// any of its formats (docker-archive:FILE), the Docker daemon
// (docker:NAME), podman's storage (podman:NAME), or a path whose format
// is detected; see Open. Archives are read in place through an index of
// their tar headers, never extracted.
//
// Every blob is checked against its descriptor while it streams — the
// manifest against the index, the config against the manifest, each
// layer's compressed bytes against its digest and size and its content
// against the config's diff_id — and a mismatch is a *BlobError naming
// the image and the blob, never bytes passed on. Layers describes each
// layer's sizes, estimating the compressed size (gzip at EstimateLevel,
// see Estimator) of layers a source holds uncompressed.
package pull
