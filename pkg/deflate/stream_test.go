package deflate

import (
	"bytes"
	"context"
	"errors"
	"io"
	"math/rand/v2"
	"runtime"
	"testing"
	"testing/iotest"
	"time"
)

// randomReads returns r read in pieces of random sizes, some of them
// empty, as pipes and network streams deliver input.
type randomReads struct {
	r   io.Reader
	rng *rand.Rand
}

func (r *randomReads) Read(p []byte) (int, error) {
	n := r.rng.IntN(100_000)
	if n == 0 {
		return 0, nil
	}
	return r.r.Read(p[:min(len(p), n)])
}

func TestGzipStreamEqualsGzip(t *testing.T) {
	ins := inputs(t)
	text := ins["text"]
	for _, k := range []int{2, 3} { // exact multiples of the chunk size and one past
		b := bytes.Repeat(text, k<<18/len(text)+1)
		ins["chunks"+itoa(k)] = b[:k<<18]
		ins["chunks"+itoa(k)+"+1"] = b[:k<<18+1]
	}
	for name, in := range ins {
		if testing.Short() && (name == "hello" || name == "zeros") {
			continue // the chunk-boundary inputs cover them
		}
		for _, lvl := range levelsFor(name, in) {
			want := compressed(t, name, in, lvl)
			// Each way of reading on another number of goroutines.
			readers := []struct {
				name  string
				procs int
				open  func() io.Reader
			}{
				{"whole", 1, func() io.Reader { return bytes.NewReader(in) }},
				{"half", 2, func() io.Reader { return iotest.HalfReader(bytes.NewReader(in)) }},
				{"random", 5, func() io.Reader { return &randomReads{bytes.NewReader(in), rand.New(rand.NewPCG(3, uint64(len(in))))} }},
			}
			if testing.Short() {
				readers = readers[2:] // random reads on five goroutines cover the most
			}
			for _, rd := range readers {
				rname, procs, open := rd.name, rd.procs, rd.open
				{
					prev := runtime.GOMAXPROCS(procs)
					var got bytes.Buffer
					err := GzipStream(context.Background(), &got, open(), lvl)
					runtime.GOMAXPROCS(prev)
					if err != nil {
						t.Fatalf("%s/%v/%s/%d: %v", name, lvl, rname, procs, err)
					}
					if !bytes.Equal(got.Bytes(), want) {
						t.Errorf("%s/%v read %s on %d procs: %d bytes differ from Gzip's %d", name, lvl, rname, procs, got.Len(), len(want))
					}
				}
			}
		}
	}
}

func TestGzipStreamErrors(t *testing.T) {
	if err := GzipStream(context.Background(), io.Discard, bytes.NewReader(nil), Level(9)); !errors.Is(err, ErrLevel) {
		t.Errorf("level 9: %v, want ErrLevel", err)
	}
	boom := errors.New("boom")
	in := io.MultiReader(bytes.NewReader(make([]byte, 1<<20)), iotest.ErrReader(boom))
	if err := GzipStream(context.Background(), io.Discard, in, Default); !errors.Is(err, boom) {
		t.Errorf("failing reader: %v, want its error", err)
	}
	w := &failAfter{n: 100}
	if err := GzipStream(context.Background(), w, bytes.NewReader(make([]byte, 1<<21)), Fast); !errors.Is(err, errFull) {
		t.Errorf("failing writer: %v, want its error", err)
	}
}

var errFull = errors.New("disk full")

type failAfter struct{ n int }

func (w *failAfter) Write(p []byte) (int, error) {
	if len(p) > w.n {
		return 0, errFull
	}
	w.n -= len(p)
	return len(p), nil
}

// endless yields pseudo-random text forever, cancelling ctx once it has
// given after bytes.
type endless struct {
	rng    *rand.Rand
	given  int
	after  int
	cancel context.CancelFunc
	at     time.Time // when cancel was called
}

func (e *endless) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = "leve camada imagem \x00"[e.rng.IntN(20)]
	}
	e.given += len(p)
	if e.given >= e.after && e.at.IsZero() {
		e.at = time.Now()
		e.cancel()
	}
	return len(p), nil
}

func TestGzipStreamCancel(t *testing.T) {
	for _, lvl := range []Level{Fast, Default, Max} {
		ctx, cancel := context.WithCancel(context.Background())
		src := &endless{rng: rand.New(rand.NewPCG(1, 1)), after: 1 << 20, cancel: cancel}
		done := make(chan error, 1)
		go func() { done <- GzipStream(ctx, io.Discard, src, lvl) }()
		select {
		case err := <-done:
			t.Logf("%v: returned %v after the cancel", lvl, time.Since(src.at))
			// The chunks being parsed are finished first: well under a
			// second on an idle machine, 5 s leaves room for a loaded one.
			if took := time.Since(src.at); took > 5*time.Second {
				t.Errorf("%v: returned %v after the cancel", lvl, took)
			}
			if !errors.Is(err, context.Canceled) {
				t.Errorf("%v: %v, want context.Canceled", lvl, err)
			}
		case <-time.After(60 * time.Second):
			t.Fatalf("%v: GzipStream of an endless input did not return after ctx was cancelled", lvl)
		}
		if src.given > 1<<20+4<<20 {
			t.Errorf("%v: read %d bytes, %d after the cancel", lvl, src.given, src.given-1<<20)
		}
	}
}
