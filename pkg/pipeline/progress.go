package pipeline

import (
	"sync"

	"github.com/leve-build/leve/pkg/publish"
)

// Event is one step of a Build's progress, sent to Options.Progress:
// *BuildStart, *StageStart, *StageEnd or *PushProgress. Events carry
// facts, never text for people: a renderer (internal/report) draws them.
type Event interface{ event() }

// BuildStart is the first event of a Build, once the platforms are known.
type BuildStart struct {
	Platforms []string
}

// StageStart is sent when a stage begins. Platform is "" for the ship
// stage, common to all platforms.
type StageStart struct {
	Platform string
	Stage    string // compile, read, optimize, package, ship
}

// StageEnd is sent when a stage ends, with its report, or with Err when
// it failed. Image is the platform's report as it stands (nil for ship);
// it is only valid during the call.
type StageEnd struct {
	Platform string
	Report   StageReport
	Image    *ImageReport
	Err      error
}

// PushProgress is the progress of one layer blob pushed to a registry,
// forwarded from publish.Registry.
type PushProgress struct {
	publish.BlobProgress
}

func (*BuildStart) event()   {}
func (*StageStart) event()   {}
func (*StageEnd) event()     {}
func (*PushProgress) event() {}

// progress returns the function that sends the events of one Build to
// o.Progress one at a time, or one that drops them.
func (o Options) progress() func(Event) {
	if o.Progress == nil {
		return func(Event) {}
	}
	var mu sync.Mutex
	return func(e Event) {
		mu.Lock()
		defer mu.Unlock()
		o.Progress(e)
	}
}

// withPushProgress sets the progress of the registry sinks that have none
// to send PushProgress events.
func withPushProgress(sinks []publish.Sink, send func(Event)) []publish.Sink {
	if send == nil {
		return sinks
	}
	out := make([]publish.Sink, len(sinks))
	for i, s := range sinks {
		if r, ok := s.(publish.Registry); ok && r.Progress == nil {
			r.Progress = func(p publish.BlobProgress) { send(&PushProgress{p}) }
			s = r
		}
		out[i] = s
	}
	return out
}
