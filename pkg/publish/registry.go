package publish

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/remote/transport"

	"github.com/leve-build/leve/internal/oneline"
	"github.com/leve-build/leve/pkg/regopts"
)

// Registry pushes to a container registry with go-containerregistry's
// remote package: credentials from the Docker config and its credential
// helpers, blobs the registry already has are not uploaded again, layers
// from another repository of the same registry are mounted, and requests
// failing with a 5xx status or a timeout are retried with back-off.
type Registry struct {
	// Repo is where to push: REGISTRY/REPO[:TAG]. Without a tag the
	// image's tag is used.
	Repo string
	// Options are how the registry is reached: credentials, plain HTTP,
	// TLS trust, the transport.
	Options regopts.Options
	// Progress, when set, receives the progress of every layer blob of
	// the push (BlobProgress); it is called from the push's goroutines,
	// concurrently, and must not block.
	Progress func(BlobProgress)
	// MountFrom names a repository of the same registry that already
	// holds the artifact's layers (an earlier --push): they are mounted
	// from it instead of uploaded. Empty means none.
	MountFrom string
}

var _ Sink = Registry{}

func (r Registry) nameOptions() []name.Option { return r.Options.NameOptions() }

// Reference returns where art is pushed for ref.
func (r Registry) Reference(ref Ref) (name.Tag, error) {
	opts := r.nameOptions()
	s := r.Repo
	if i := strings.LastIndex(s, ":"); i <= strings.LastIndex(s, "/") {
		s += ":" + ref.Tag
	}
	t, err := name.NewTag(s, opts...)
	if err != nil {
		return name.Tag{}, &RepoError{Repo: r.Repo, Err: err}
	}
	return t, nil
}

// RepoError is the error of a Registry whose Repo is not a registry
// reference; the caller names where Repo came from (a flag, a file).
type RepoError struct {
	Repo string
	Err  error // why go-containerregistry refused it
}

// Error says what is wrong and what a good Repo looks like.
func (e *RepoError) Error() string {
	return fmt.Sprintf("push destination %q: %v; want REGISTRY/REPO[:TAG], e.g. ghcr.io/me/app", e.Repo, e.Err)
}

// Unwrap returns the reference parser's error.
func (e *RepoError) Unwrap() error { return e.Err }

// Publish pushes art, an image or an index with its images.
func (r Registry) Publish(ctx context.Context, art Artifact, ref Ref) (Published, error) {
	tag, err := r.Reference(ref)
	if err != nil {
		return Published{}, err
	}
	opts, err := r.options(ctx)
	if err != nil {
		return Published{}, fmt.Errorf("pushing %s: %w", tag, err)
	}
	art, referrers := split(art)
	var bars *blobTracker
	if r.Progress != nil {
		bars = newBlobTracker(tag.String(), r.Progress)
		art = wrapLayers(art, bars.layer, false)
	}
	if r.MountFrom != "" {
		if from, err := name.NewRepository(r.MountFrom, r.nameOptions()...); err == nil && from.RegistryStr() == tag.RegistryStr() {
			art = mountFrom(art, from)
			referrers = append([]v1.Image(nil), referrers...) // the caller's stay as they are
			for i, rf := range referrers {
				referrers[i] = mountFrom(rf, from).(v1.Image)
			}
		}
	}
	switch a := art.(type) {
	case v1.Image:
		err = remote.Write(tag, a, opts...)
	case v1.ImageIndex:
		err = remote.WriteIndex(tag, a, opts...)
	default:
		err = fmt.Errorf("cannot push %T: not an image or an index", art)
	}
	if bars != nil {
		bars.finish()
	}
	if err != nil {
		return Published{}, r.pushError(tag, err)
	}
	for _, rf := range referrers {
		// By digest, no tag: the registry lists it under its subject
		// (or remote keeps the sha256-<digest> fallback index).
		d, err := rf.Digest()
		if err != nil {
			return Published{}, err
		}
		if err := remote.Write(tag.Context().Digest(d.String()), rf, opts...); err != nil {
			return Published{}, r.pushError(tag, err)
		}
	}
	d, err := art.Digest()
	if err != nil {
		return Published{}, err
	}
	return Published{Kind: "registry", Location: tag.String(), Digest: d}, nil
}

func (r Registry) options(ctx context.Context) ([]remote.Option, error) {
	opts, err := r.Options.RemoteOptions(ctx)
	if err != nil {
		return nil, err
	}
	return append(opts,
		remote.WithRetryBackoff(remote.Backoff{Duration: 200 * time.Millisecond, Factor: 2, Jitter: 0.1, Steps: 5}),
		remote.WithRetryStatusCodes(http.StatusInternalServerError, http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout, http.StatusTooManyRequests),
		remote.WithJobs(4),
	), nil
}

// pushError turns a push failure into one line that names the cause and
// the fix, and never echoes credentials. TLS and connection failures
// come first: a loopback registry is tried over HTTPS and HTTP at once,
// and the HTTP attempt's status would hide the TLS cause.
func (r Registry) pushError(tag name.Tag, err error) error {
	if p := regopts.Explain(err, r.Options); p != nil {
		return fmt.Errorf("pushing %s: %w", tag, p)
	}
	var terr *transport.Error
	var uerr *url.Error
	switch {
	case errors.As(err, &terr) && (terr.StatusCode == http.StatusUnauthorized || terr.StatusCode == http.StatusForbidden):
		return fmt.Errorf("pushing %s: the registry refused the credentials (HTTP %d); log in with docker login %s or fix the credential helper", tag, terr.StatusCode, tag.RegistryStr())
	case errors.As(err, &terr):
		return fmt.Errorf("pushing %s: the registry answered HTTP %d (%s); try again later or check the registry", tag, terr.StatusCode, oneline.First(terr.Error()))
	case errors.As(err, &uerr):
		// Reached, then lost: the connection broke during a request.
		return fmt.Errorf("pushing %s: the connection to the registry broke during %s %s (%v); run the command again: blobs already pushed are not sent twice", tag, uerr.Op, redactQuery(uerr.URL), uerr.Err)
	default:
		return fmt.Errorf("pushing %s: %s", tag, oneline.First(err.Error()))
	}
}

// redactQuery drops a URL's query, where upload-session tokens live.
func redactQuery(u string) string {
	s, _, _ := strings.Cut(u, "?")
	return s
}
