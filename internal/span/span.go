package span

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"sync"
	"time"
)

// Span is one timed piece of work.
type Span struct {
	Name  string
	Lane  string // what it worked for, such as "./api linux/arm64"
	Start time.Duration
	Dur   time.Duration
}

// Recorder collects the spans of one run; it is safe for concurrent use.
type Recorder struct {
	start time.Time
	mu    sync.Mutex
	spans []Span
	marks []mark
}

// mark is an instant event of the run.
type mark struct {
	name string
	at   time.Duration
	args map[string]string
}

// NewRecorder returns a Recorder whose times count from now.
func NewRecorder() *Recorder { return &Recorder{start: time.Now()} }

type recorderKey struct{}
type laneKey struct{}

// WithRecorder returns ctx carrying r: the spans started under it go to r.
func WithRecorder(ctx context.Context, r *Recorder) context.Context {
	return context.WithValue(ctx, recorderKey{}, r)
}

// WithLane returns ctx whose spans are on lane, below the lane of ctx:
// WithLane(WithLane(ctx, "./api"), "linux/arm64") is "./api linux/arm64".
func WithLane(ctx context.Context, lane string) context.Context {
	if ctx.Value(recorderKey{}) == nil {
		return ctx
	}
	if outer, _ := ctx.Value(laneKey{}).(string); outer != "" {
		lane = outer + " " + lane
	}
	return context.WithValue(ctx, laneKey{}, lane)
}

// Start begins the span name on ctx's lane and returns the function that
// ends it. Without a Recorder in ctx it records nothing.
func Start(ctx context.Context, name string) (end func()) {
	r, _ := ctx.Value(recorderKey{}).(*Recorder)
	if r == nil {
		return func() {}
	}
	lane, _ := ctx.Value(laneKey{}).(string)
	began := time.Now()
	return func() {
		s := Span{Name: name, Lane: lane, Start: began.Sub(r.start), Dur: time.Since(began)}
		r.mu.Lock()
		r.spans = append(r.spans, s)
		r.mu.Unlock()
	}
}

// Mark records an instant event name at the current time, with args
// (such as the CPU time the run used so far).
func (r *Recorder) Mark(name string, args map[string]string) {
	r.mu.Lock()
	r.marks = append(r.marks, mark{name: name, at: time.Since(r.start), args: args})
	r.mu.Unlock()
}

// Spans returns the spans ended so far, in the order they ended.
func (r *Recorder) Spans() []Span {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]Span(nil), r.spans...)
}

// event is one complete ("X") event of the Chrome trace-event format.
type event struct {
	Name string            `json:"name"`
	Ph   string            `json:"ph"`
	TS   float64           `json:"ts"`  // microseconds
	Dur  float64           `json:"dur"` // microseconds
	PID  int               `json:"pid"`
	TID  int               `json:"tid"`
	S    string            `json:"s,omitempty"` // the scope of an instant event
	Args map[string]string `json:"args,omitempty"`
}

// WriteJSON writes the spans as a Chrome trace-event JSON array: one
// thread per lane, named after it, each span a complete event whose args
// hold its lane, then the marks as global instant events.
func (r *Recorder) WriteJSON(w io.Writer) error {
	spans := r.Spans()
	tids := map[string]int{}
	events := []event{}
	for _, s := range spans {
		tid, ok := tids[s.Lane]
		if !ok {
			tid = len(tids) + 1
			tids[s.Lane] = tid
			events = append(events, event{Name: "thread_name", Ph: "M", PID: 1, TID: tid, Args: map[string]string{"name": orRun(s.Lane)}})
		}
		events = append(events, event{Name: s.Name, Ph: "X", TS: micros(s.Start), Dur: micros(s.Dur), PID: 1, TID: tid, Args: map[string]string{"lane": s.Lane}})
	}
	r.mu.Lock()
	for _, m := range r.marks {
		events = append(events, event{Name: m.name, Ph: "i", S: "g", TS: micros(m.at), PID: 1, Args: m.args})
	}
	r.mu.Unlock()
	b, err := json.MarshalIndent(events, "", " ")
	if err != nil {
		return fmt.Errorf("writing trace: %w", err)
	}
	_, err = w.Write(append(b, '\n'))
	return err
}

func micros(d time.Duration) float64 { return float64(d.Nanoseconds()) / 1e3 }

func orRun(lane string) string {
	if lane == "" {
		return "run"
	}
	return lane
}
