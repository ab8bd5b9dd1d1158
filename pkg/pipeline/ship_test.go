package pipeline

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/leve-build/leve/pkg/publish"
)

// events records what the fake sinks were asked to do, in order.
type events struct{ log []string }

func (e *events) add(s string) { e.log = append(e.log, s) }

var fakeDigest = v1.Hash{Algorithm: "sha256", Hex: strings.Repeat("a", 64)}

// remoteSink is a fake registry: it fails with err, and runs during
// before returning.
type remoteSink struct {
	name   string
	ev     *events
	err    error
	during func()
}

func (r remoteSink) String() string { return r.name }

func (r remoteSink) Publish(ctx context.Context, _ publish.Artifact, _ publish.Ref) (publish.Published, error) {
	r.ev.add("publish " + r.name)
	if r.during != nil {
		r.during()
	}
	if r.err != nil {
		return publish.Published{}, r.err
	}
	return publish.Published{Kind: "registry", Location: r.name, Digest: fakeDigest}, nil
}

// localSink is a fake local output that stages; its commit fails with
// commitErr and runs during.
type localSink struct {
	name      string
	ev        *events
	stageErr  error
	commitErr error
	during    func()
}

func (l localSink) String() string { return "the file " + l.name }

func (l localSink) Publish(context.Context, publish.Artifact, publish.Ref) (publish.Published, error) {
	panic("a staged sink is committed, not published")
}

func (l localSink) Stage(context.Context, publish.Artifact, publish.Ref) (publish.Staged, error) {
	l.ev.add("stage " + l.name)
	if l.stageErr != nil {
		return nil, l.stageErr
	}
	return &fakeStaged{l: l}, nil
}

type fakeStaged struct{ l localSink }

func (s *fakeStaged) Commit(ctx context.Context) (publish.Published, error) {
	if ctx.Err() != nil {
		s.l.ev.add("commit " + s.l.name + " (cancelled)")
	} else {
		s.l.ev.add("commit " + s.l.name)
	}
	if s.l.during != nil {
		s.l.during()
	}
	if s.l.commitErr != nil {
		return publish.Published{}, s.l.commitErr
	}
	return publish.Published{Kind: "file", Location: s.l.name, Digest: fakeDigest}, nil
}

func (s *fakeStaged) Abort() { s.l.ev.add("abort " + s.l.name) }

func TestPublishAllCommitsLast(t *testing.T) {
	ev := &events{}
	sinks := []publish.Sink{localSink{name: "L", ev: ev}, remoteSink{name: "R1", ev: ev}, localSink{name: "T", ev: ev}, remoteSink{name: "R2", ev: ev}}
	pubs, err := publishAll(context.Background(), sinks, nil, publish.Ref{})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"stage L", "stage T", "publish R1", "publish R2", "commit L", "commit T"}
	if diff := cmp.Diff(want, ev.log); diff != "" {
		t.Errorf("order (-want +got):\n%s", diff)
	}
	var locs []string
	for _, p := range pubs {
		locs = append(locs, p.Location)
	}
	if diff := cmp.Diff([]string{"L", "R1", "T", "R2"}, locs); diff != "" {
		t.Errorf("published, in the order of the sinks (-want +got):\n%s", diff)
	}
}

func TestPublishAllFailures(t *testing.T) {
	boom := errors.New("pushing R2: boom")
	for _, tt := range []struct {
		name  string
		sinks func(ev *events, cancel func()) []publish.Sink
		want  []string // events
		msg   string   // the error's message
		is    error
	}{
		{
			name: "a push fails after another succeeded",
			sinks: func(ev *events, _ func()) []publish.Sink {
				return []publish.Sink{localSink{name: "L", ev: ev}, localSink{name: "T", ev: ev}, remoteSink{name: "R1", ev: ev}, remoteSink{name: "R2", ev: ev, err: boom}, remoteSink{name: "R3", ev: ev}}
			},
			want: []string{"stage L", "stage T", "publish R1", "publish R2", "abort L", "abort T"},
			msg:  "pushing R2: boom; pushed R1@sha256:" + fakeDigest.Hex + "; not written: the file L and the file T are unchanged; not tried: R3",
			is:   boom,
		},
		{
			name: "the first push fails",
			sinks: func(ev *events, _ func()) []publish.Sink {
				return []publish.Sink{localSink{name: "L", ev: ev}, remoteSink{name: "R2", ev: ev, err: boom}}
			},
			want: []string{"stage L", "publish R2", "abort L"},
			msg:  "pushing R2: boom; nothing was written: the file L is unchanged",
			is:   boom,
		},
		{
			name: "staging fails",
			sinks: func(ev *events, _ func()) []publish.Sink {
				return []publish.Sink{localSink{name: "L", ev: ev}, localSink{name: "T", ev: ev, stageErr: boom}, remoteSink{name: "R1", ev: ev}}
			},
			want: []string{"stage L", "stage T", "abort L"},
			msg:  "pushing R2: boom; nothing was written: the file L and the file T are unchanged; not tried: R1",
			is:   boom,
		},
		{
			name: "interrupted during the last push",
			sinks: func(ev *events, cancel func()) []publish.Sink {
				return []publish.Sink{localSink{name: "L", ev: ev}, remoteSink{name: "R1", ev: ev, during: cancel}}
			},
			want: []string{"stage L", "publish R1", "abort L"},
			msg:  "context canceled; pushed R1@sha256:" + fakeDigest.Hex + "; not written: the file L is unchanged",
			is:   context.Canceled,
		},
		{
			name: "the first commit fails",
			sinks: func(ev *events, _ func()) []publish.Sink {
				return []publish.Sink{localSink{name: "L", ev: ev, commitErr: boom}, localSink{name: "T", ev: ev}, remoteSink{name: "R1", ev: ev}}
			},
			want: []string{"stage L", "stage T", "publish R1", "commit L", "abort T"},
			msg:  "pushing R2: boom; pushed R1@sha256:" + fakeDigest.Hex + "; not written: the file L and the file T are unchanged",
			is:   boom,
		},
		{
			name: "a later commit fails",
			sinks: func(ev *events, _ func()) []publish.Sink {
				return []publish.Sink{localSink{name: "L", ev: ev}, localSink{name: "T", ev: ev, commitErr: boom}}
			},
			want: []string{"stage L", "stage T", "commit L", "commit T"},
			msg:  "pushing R2: boom; wrote the file L; not written: the file T is unchanged",
			is:   boom,
		},
	} {
		t.Run(tt.name, func(t *testing.T) {
			ev := &events{}
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			_, err := publishAll(ctx, tt.sinks(ev, cancel), nil, publish.Ref{})
			var se *ShipError
			if !errors.As(err, &se) || !errors.Is(err, tt.is) {
				t.Fatalf("publishAll = %v, want a *ShipError wrapping %v", err, tt.is)
			}
			if err.Error() != tt.msg {
				t.Errorf("message\n got %q\nwant %q", err.Error(), tt.msg)
			}
			if diff := cmp.Diff(tt.want, ev.log); diff != "" {
				t.Errorf("events (-want +got):\n%s", diff)
			}
		})
	}
}

// TestPublishAllFinishesCommits cancels the context during the first
// commit: the second is still made, with a context that is not done.
func TestPublishAllFinishesCommits(t *testing.T) {
	ev := &events{}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	sinks := []publish.Sink{localSink{name: "L", ev: ev, during: cancel}, localSink{name: "T", ev: ev}}
	if _, err := publishAll(ctx, sinks, nil, publish.Ref{}); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"stage L", "stage T", "commit L", "commit T"}, ev.log); diff != "" {
		t.Errorf("events (-want +got):\n%s", diff)
	}
}
