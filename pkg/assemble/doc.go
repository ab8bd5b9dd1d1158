// Package assemble builds reproducible OCI images from a binary: the
// deterministic layer tars (sorted entries, fixed times, numeric owners),
// their compression with a content-addressed cache, the files a minimal
// image needs (/etc/passwd, /etc/group, /tmp, the nonroot home) and the
// image config. It returns go-containerregistry v1.Image values and never
// writes outside the cache it is given.
package assemble
