package pipeline

import (
	"bytes"
	"crypto/sha256"
	"debug/buildinfo"
	"encoding/hex"
	"fmt"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/types"

	"github.com/leve-build/leve/pkg/assemble"
	"github.com/leve-build/leve/pkg/sbom"
)

// attachSBOM makes the image's SBOM from the shipped binary's build info,
// as an OCI referrer of the image, and records it in the report.
func (b *builder) attachSBOM() error {
	format := b.o.SBOM
	if format == SBOMNone {
		return nil
	}
	info, err := buildinfo.Read(bytes.NewReader(b.data))
	if err != nil {
		return fmt.Errorf("making the SBOM: %w", err)
	}
	sum := sha256.Sum256(b.data)
	created := b.created()
	opts := []sbom.Option{
		sbom.WithName(b.name()),
		sbom.WithBinaryDigest(hex.EncodeToString(sum[:])),
		sbom.WithCreated(created),
		sbom.WithPlatform(b.platform.String()),
	}
	var content []byte
	var mt types.MediaType
	if format == SBOMCycloneDX {
		content, err = sbom.CycloneDX(info, opts...)
		mt = sbom.CycloneDXMediaType
	} else {
		content, err = sbom.SPDX(info, opts...)
		mt = sbom.SPDXMediaType
	}
	if err != nil {
		return fmt.Errorf("making the SBOM: %w", err)
	}
	ref, err := assemble.Referrer(b.img, mt, content, map[string]string{"org.opencontainers.image.created": created.Format(time.RFC3339)})
	if err != nil {
		return err
	}
	d, err := ref.Digest()
	if err != nil {
		return err
	}
	b.sbom = ref
	b.sbomDesc = &BlobReport{Digest: d.String(), MediaType: string(mt), Size: int64(len(content))}
	return nil
}

// referrers returns the SBOM referrers of the built images.
func referrers(bs []*builder) []v1.Image {
	var out []v1.Image
	for _, b := range bs {
		if b != nil && b.sbom != nil {
			out = append(out, b.sbom)
		}
	}
	return out
}
