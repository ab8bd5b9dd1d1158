package span

import (
	"bytes"
	"context"
	"encoding/json"
	"testing"
	"time"
)

func TestStartRecordsOnLane(t *testing.T) {
	r := NewRecorder()
	ctx := WithLane(WithLane(WithRecorder(context.Background(), r), "./api"), "linux/arm64")
	end := Start(ctx, "compress")
	time.Sleep(2 * time.Millisecond)
	end()
	Start(WithRecorder(context.Background(), r), "ship")()
	r.Mark("cpu", map[string]string{"self": "1.5"})
	got := r.Spans()
	if len(got) != 2 {
		t.Fatalf("Spans() = %d spans, want 2", len(got))
	}
	if got[0].Name != "compress" || got[0].Lane != "./api linux/arm64" || got[0].Dur < 2*time.Millisecond {
		t.Errorf("Spans()[0] = %+v, want compress on ./api linux/arm64 lasting ≥ 2ms", got[0])
	}
	if got[1].Lane != "" || got[1].Start < got[0].Start {
		t.Errorf("Spans()[1] = %+v, want ship on no lane, after compress began", got[1])
	}
	var buf bytes.Buffer
	if err := r.WriteJSON(&buf); err != nil {
		t.Fatal(err)
	}
	var events []struct {
		Name, Ph string
		TID      int
		Dur      float64
		Args     map[string]string
	}
	if err := json.Unmarshal(buf.Bytes(), &events); err != nil {
		t.Fatalf("WriteJSON wrote invalid JSON: %v", err)
	}
	// a thread_name and a span per lane, then the mark
	if len(events) != 5 || events[4].Ph != "i" || events[4].Args["self"] != "1.5" || events[0].Ph != "M" || events[0].Args["name"] != "./api linux/arm64" || events[1].Name != "compress" || events[1].Dur < 2000 || events[3].TID == events[1].TID {
		t.Errorf("WriteJSON = %s, want thread names and complete events on two threads", buf.Bytes())
	}
}

func TestStartWithoutRecorder(t *testing.T) {
	ctx := WithLane(context.Background(), "x")
	if ctx.Value(laneKey{}) != nil {
		t.Errorf("WithLane without a recorder set a lane")
	}
	Start(ctx, "nothing")() // must not panic
}
