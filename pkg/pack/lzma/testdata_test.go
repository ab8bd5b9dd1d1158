package lzma

import (
	"bytes"
	"math/rand/v2"
	"os"
	"testing"
)

// testInputs returns inputs that exercise the encoder: edge sizes, long
// runs, random bytes, text, and a piece of a real executable.
func testInputs(t testing.TB) map[string][]byte {
	t.Helper()
	r := rand.New(rand.NewPCG(3, 4))
	random := make([]byte, 50000)
	for i := range random {
		random[i] = byte(r.Uint32())
	}
	// small alphabet with repeats at varied distances: many reps and
	// short matches
	mixed := make([]byte, 0, 100000)
	for len(mixed) < 100000 {
		if len(mixed) > 100 && r.IntN(3) > 0 {
			d := 1 + r.IntN(min(len(mixed), 70000))
			n := 2 + r.IntN(300)
			for i := 0; i < n; i++ {
				mixed = append(mixed, mixed[len(mixed)-d])
			}
			continue
		}
		mixed = append(mixed, "abcdefgh"[r.IntN(8)])
	}
	text := bytes.Repeat([]byte("Qual é o seu nome:? Oi, Gopher! Eu sou a linguagem Go! "), 300)
	in := map[string][]byte{
		"empty":  {},
		"one":    {42},
		"two":    {1, 1},
		"five":   {1, 2, 3, 4, 5},
		"zeros":  make([]byte, 100000),
		"random": random,
		"mixed":  mixed,
		"text":   text,
	}
	if exe, err := os.Executable(); err == nil {
		if b, err := os.ReadFile(exe); err == nil && len(b) > 600000 {
			in["exe"] = b[200000:400000]
		}
	}
	return in
}
