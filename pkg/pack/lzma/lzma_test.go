package lzma

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"runtime"
	"testing"
)

func TestRoundTrip(t *testing.T) {
	variants := []struct {
		name string
		opts []Option
	}{
		{"default", nil},
		{"lc0lp2pb0", []Option{WithProps(Props{LC: 0, LP: 2, PB: 0})}},
		{"lc4pb4", []Option{WithProps(Props{LC: 4, LP: 0, PB: 4})}},
		{"nice8depth1", []Option{WithNiceLen(8), WithDepth(1)}},
		{"nice32marker", []Option{WithNiceLen(32), WithEndMarker(true)}},
	}
	for name, src := range testInputs(t) {
		for _, v := range variants {
			t.Run(name+"/"+v.name, func(t *testing.T) {
				comp, props, err := Encode(src, v.opts...)
				if err != nil {
					t.Fatalf("Encode() error: %v", err)
				}
				got, err := Decode(comp, props, len(src))
				if err != nil {
					t.Fatalf("Decode() error: %v", err)
				}
				if !bytes.Equal(got, src) {
					t.Fatalf("Decode(Encode(%d bytes)) differs", len(src))
				}
				if len(src) >= 50000 {
					t.Logf("%d -> %d bytes", len(src), len(comp))
				}
			})
		}
	}
}

func TestEncodeOptionsErrors(t *testing.T) {
	bad := []Option{
		WithProps(Props{LC: 5}),
		WithProps(Props{LC: 3, LP: 2}),
		WithProps(Props{PB: 5}),
		WithNiceLen(7),
		WithNiceLen(274),
		WithDepth(0),
		WithProps(Props{LC: 3, DictSize: 4096}), // smaller than the input
	}
	src := make([]byte, 5000)
	for i, o := range bad {
		if _, _, err := Encode(src, o); err == nil {
			t.Errorf("Encode(option %d) = nil error, want an error", i)
		}
	}
}

func TestDictSize(t *testing.T) {
	for _, tc := range []struct {
		n    int
		want uint32
	}{{0, 4096}, {4097, 8192}, {8193, 12288}, {1679486, 2 << 20}, {14217378, 16 << 20}, {3 << 20, 3 << 20}} {
		if got := dictSizeFor(tc.n); got != tc.want {
			t.Errorf("dictSizeFor(%d) = %d, want %d", tc.n, got, tc.want)
		}
	}
}

func TestDecodeErrors(t *testing.T) {
	src := testInputs(t)["mixed"]
	comp, props, err := Encode(src)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name  string
		data  []byte
		props Props
		size  int
		want  error
	}{
		{"short", comp[:3], props, len(src), ErrTruncated},
		{"truncated", comp[:len(comp)/2], props, len(src), ErrTruncated},
		{"first byte", append([]byte{1}, comp[1:]...), props, len(src), ErrCorrupt},
		{"bad props", comp, Props{LC: 9, DictSize: props.DictSize}, len(src), ErrProps},
		{"small dict", comp, Props{LC: props.LC, PB: props.PB, DictSize: 4096}, len(src), ErrCorrupt},
	} {
		if _, err := Decode(tc.data, tc.props, tc.size); !errors.Is(err, tc.want) {
			t.Errorf("Decode(%s) error = %v, want %v", tc.name, err, tc.want)
		}
	}
	// Corrupting the body never panics and is usually detected.
	for i := 10; i < len(comp); i += len(comp) / 50 {
		bad := bytes.Clone(comp)
		bad[i] ^= 0x55
		got, err := Decode(bad, props, len(src))
		if err == nil && len(got) != len(src) {
			t.Errorf("Decode(corrupt at %d) = %d bytes, nil error; want %d bytes", i, len(got), len(src))
		}
	}
}

func TestDecodeEndMarker(t *testing.T) {
	src := []byte("hello, hello, hello")
	comp, props, err := Encode(src, WithEndMarker(true))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Decode(comp, props, len(src)+1); !errors.Is(err, ErrTruncated) {
		t.Errorf("Decode(size+1) error = %v, want ErrTruncated", err)
	}
}

func ExampleEncode() {
	src := bytes.Repeat([]byte("leve "), 1000)
	comp, props, err := Encode(src)
	if err != nil {
		panic(err)
	}
	out, err := Decode(comp, props, len(src))
	fmt.Println(len(src), len(comp) < 100, bytes.Equal(out, src), err, props)
	// Output: 5000 true true <nil> lc=3,lp=0,pb=2,dict=8192
}

// TestDeterministic checks that Encode's output depends only on its input
// and options, also when encodings run in parallel: leve's packed files
// must be reproducible.
func TestDeterministic(t *testing.T) {
	src := testInputs(t)["mixed"]
	want, _, err := Encode(src)
	if err != nil {
		t.Fatal(err)
	}
	got := make([][]byte, 3)
	done := make(chan int)
	for i := range got {
		go func() {
			got[i], _, _ = Encode(src)
			done <- i
		}()
	}
	for range got {
		<-done
	}
	for i, g := range got {
		if !bytes.Equal(g, want) {
			t.Errorf("Encode() run %d = %d bytes, differs from the first run's %d bytes", i, len(g), len(want))
		}
	}
}

func TestEncodeContextCanceled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	src := testInputs(t)["mixed"]
	if _, _, err := EncodeContext(ctx, src); !errors.Is(err, context.Canceled) {
		t.Errorf("EncodeContext(canceled) error = %v, want context.Canceled", err)
	}
}

// TestDecodeHugeSize checks that a stream declared far larger than it
// decodes to fails without allocating the declared size.
func TestDecodeHugeSize(t *testing.T) {
	src := testInputs(t)["text"]
	comp, props, err := Encode(src)
	if err != nil {
		t.Fatal(err)
	}
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	_, err = Decode(comp, props, 1<<40)
	runtime.ReadMemStats(&after)
	if !errors.Is(err, ErrTruncated) {
		t.Errorf("Decode(size 1 TiB) error = %v, want ErrTruncated", err)
	}
	if n := after.TotalAlloc - before.TotalAlloc; n > 64<<20 {
		t.Errorf("Decode(size 1 TiB) allocated %d bytes, want at most 64 MiB", n)
	}
}
