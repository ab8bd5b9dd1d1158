package pipeline

import (
	"context"
	"fmt"
	"strings"

	"github.com/leve-build/leve/pkg/publish"
)

// ship publishes art to the sinks the options ask for, under the name
// given or the binary's name.
func ship(ctx context.Context, o Options, art publish.Artifact, rep *Report) (string, error) {
	name, tag := o.Name, o.Tag
	if name == "" {
		name = repositoryName(rep.Images[0].Binary.Name)
	}
	if tag == "" {
		tag = "latest"
	}
	ref := publish.Ref{Name: name, Tag: tag}
	rep.Name, rep.Tag = name, tag
	rep.Reference = ref.String() + "@" + rep.Digest
	if o.Sinks == nil {
		return "nowhere (no output requested)", nil
	}
	sink, err := o.Sinks(ref)
	if err != nil {
		return "", err
	}
	var outs []string
	for i, s := range flatten(sink) {
		p, err := s.Publish(ctx, art, ref)
		if err != nil {
			return "", err
		}
		rep.Outputs = append(rep.Outputs, Output{Kind: p.Kind, Location: p.Location, Digest: p.Digest.String()})
		switch {
		case p.Digest.String() == rep.Digest:
		case i == 0:
			// The reference names what the first output holds: a tarball of
			// a zstd or multi-platform build holds another manifest.
			rep.Digest = p.Digest.String()
			rep.Reference = ref.String() + "@" + rep.Digest
		default:
			rep.Warnings = append(rep.Warnings, fmt.Sprintf("%s %s holds %s, not %s: its single image has gzip layers", p.Kind, p.Location, p.Digest, rep.Digest))
		}
		if p.Kind == "registry" && o.Compression == "zstd" {
			rep.Warnings = append(rep.Warnings, "pushed zstd layers to "+p.Location+": Docker 23+, containerd 1.5+ and Podman pull them; Docker 20.10 and older runtimes cannot")
		}
		outs = append(outs, p.Kind+" "+p.Location)
		if p.Note != "" {
			rep.Warnings = append(rep.Warnings, p.Note)
		}
	}
	for _, out := range rep.Outputs {
		if out.Kind == "registry" {
			// What was pushed is what scripts want to deploy.
			rep.Reference = out.Location + "@" + out.Digest
			break
		}
	}
	return strings.Join(outs, ", ") + " as " + ref.String(), nil
}

func flatten(s publish.Sink) []publish.Sink {
	if m, ok := s.(publish.Multi); ok {
		return m
	}
	return []publish.Sink{s}
}
