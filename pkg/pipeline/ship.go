package pipeline

import (
	"context"
	"fmt"
	"strings"

	"github.com/leve-build/leve/pkg/assemble"
	"github.com/leve-build/leve/pkg/publish"
)

// imageRef is the name and tag an image ships under: those given, else
// the repository name of its binary's name and "latest".
func imageRef(name, tag, bin string) publish.Ref {
	if name == "" {
		name = repositoryName(bin)
	}
	if tag == "" {
		tag = "latest"
	}
	return publish.Ref{Name: name, Tag: tag}
}

// named records in rep the reference an image of digest rep.Digest ships
// under.
func named(rep *Report, ref publish.Ref) {
	rep.Name, rep.Tag = ref.Name, ref.Tag
	rep.Reference = ref.String() + "@" + rep.Digest
}

// ship publishes art to the sinks the options ask for, as ref, all or
// nothing for local outputs: the sinks that stage (a tarball, a layout)
// prepare their output first, the others (registries, the Docker engine)
// run next, in order, and only when all of them succeeded and ctx is not
// done are the staged outputs committed. A failure returns a *ShipError
// that says what was written. It records the outputs in rep, whose
// reference named already wrote.
func ship(ctx context.Context, o Options, ref publish.Ref, art publish.Artifact, rep *Report) (string, error) {
	if o.Sinks == nil {
		return "nowhere (no output requested)", nil
	}
	sinks, err := o.Sinks(ref)
	if err != nil {
		return "", err
	}
	pubs, err := publishAll(ctx, withPushProgress(sinks, o.Progress), art, ref)
	if err != nil {
		return "", err
	}
	var outs []string
	for i, p := range pubs {
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
		if p.Kind == "registry" && o.Layers.Compression == assemble.ZstdCompression {
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

// publishAll ships art to sinks, staged ones committed last, and returns
// what each sink published, in the order of sinks. Staged outputs are
// committed in the order of sinks, so the one whose commit may fail (a
// layout) comes first; once a commit succeeded the others are made even if
// ctx is done: they are renames, and stopping half-way would leave some
// outputs new and others old.
func publishAll(ctx context.Context, sinks []publish.Sink, art publish.Artifact, ref publish.Ref) ([]publish.Published, error) {
	pubs := make([]publish.Published, len(sinks))
	staged := make([]publish.Staged, len(sinks))
	ok := make([]bool, len(sinks))
	var written []Output
	fail := func(err error, at int) error {
		se := &ShipError{Err: err, Written: written}
		for i, s := range sinks {
			switch {
			case staged[i] != nil:
				staged[i].Abort()
				se.Unchanged = append(se.Unchanged, publish.Describe(s))
			case ok[i]: // written
			case isStager(s): // not committed, or its failed commit kept it
				se.Unchanged = append(se.Unchanged, publish.Describe(s))
			case i != at: // sinks run in order: this one was not reached
				se.Skipped = append(se.Skipped, publish.Describe(s))
			}
		}
		return se
	}
	done := func(i int, p publish.Published) {
		pubs[i], ok[i] = p, true
		written = append(written, Output{Kind: p.Kind, Location: p.Location, Digest: p.Digest.String()})
	}
	for i, s := range sinks {
		if st, isSt := s.(publish.Stager); isSt {
			x, err := st.Stage(ctx, art, ref)
			if err != nil {
				return nil, fail(err, i)
			}
			staged[i] = x
		}
	}
	for i, s := range sinks {
		if staged[i] != nil {
			continue
		}
		p, err := s.Publish(ctx, art, ref)
		if err != nil {
			return nil, fail(err, i)
		}
		done(i, p)
	}
	if err := ctx.Err(); err != nil {
		return nil, fail(err, -1)
	}
	cctx := ctx
	for i, x := range staged {
		if x == nil {
			continue
		}
		p, err := x.Commit(cctx)
		staged[i] = nil
		if err != nil {
			return nil, fail(err, i)
		}
		done(i, p)
		cctx = context.WithoutCancel(ctx)
	}
	return pubs, nil
}

func isStager(s publish.Sink) bool {
	_, ok := s.(publish.Stager)
	return ok
}
