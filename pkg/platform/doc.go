// Package platform is leve's one platform type: a Linux target,
// "linux/ARCH[/VARIANT]", parsed and formatted here, with its go build
// environment and its conversions to and from the OCI platform of
// go-containerregistry, which images and indexes carry.
package platform
