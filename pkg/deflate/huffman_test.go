package deflate

import (
	"container/heap"
	"math/rand/v2"
	"testing"
)

// kraft returns the Kraft sum of lens scaled by 2^15 and the longest length.
func kraft(lens []uint8) (sum, longest int) {
	for _, l := range lens {
		if l > 0 {
			sum += 1 << (maxCodeLen - l)
			longest = max(longest, int(l))
		}
	}
	return sum, longest
}

// huffmanCost is the cost of an unlimited Huffman code for freq, computed
// with a heap: the sum of the weights of all internal nodes.
func huffmanCost(freq []uint32) uint64 {
	h := &u64Heap{}
	for _, f := range freq {
		if f > 0 {
			*h = append(*h, uint64(f))
		}
	}
	heap.Init(h)
	var cost uint64
	for h.Len() > 1 {
		a, b := heap.Pop(h).(uint64), heap.Pop(h).(uint64)
		cost += a + b
		heap.Push(h, a+b)
	}
	return cost
}

type u64Heap []uint64

func (h u64Heap) Len() int           { return len(h) }
func (h u64Heap) Less(i, j int) bool { return h[i] < h[j] }
func (h u64Heap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *u64Heap) Push(x any)        { *h = append(*h, x.(uint64)) }
func (h *u64Heap) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}

func TestHuffmanLengths(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	var hb huffBuilder
	fib := make([]uint32, 40) // Fibonacci weights force the length limit
	fib[0], fib[1] = 1, 1
	for i := 2; i < len(fib); i++ {
		fib[i] = fib[i-1] + fib[i-2]
	}
	cases := [][]uint32{{}, {5}, {0, 0, 7}, {1, 1}, fib[:30], fib[:19]}
	for range 200 {
		f := make([]uint32, 1+rng.IntN(numLitLen))
		for i := range f {
			if rng.IntN(3) > 0 {
				f[i] = uint32(rng.ExpFloat64() * 1000)
			}
		}
		cases = append(cases, f)
	}
	for _, freq := range cases {
		for _, limit := range []int{maxPrecodeLen, maxCodeLen} {
			used := 0
			for _, f := range freq {
				if f > 0 {
					used++
				}
			}
			if used > 1<<limit {
				continue
			}
			lens := make([]uint8, max(len(freq), 2))
			hb.build(freq, lens, limit)
			sum, longest := kraft(lens)
			if sum != 1<<maxCodeLen || longest > limit {
				t.Fatalf("build(%v, %d) = %v: Kraft sum %d/32768, longest %d; want a complete code within the limit", freq, limit, lens, sum, longest)
			}
			for i, f := range freq {
				if f > 0 && lens[i] == 0 {
					t.Fatalf("build(%v, %d): used symbol %d has no code", freq, limit, i)
				}
			}
			if used >= 2 && longest < limit {
				// The limit did not bind, so the code must be optimal.
				var got uint64
				for i, f := range freq {
					got += uint64(f) * uint64(lens[i])
				}
				if want := huffmanCost(freq); got != want {
					t.Fatalf("build(%v, %d) costs %d bits, Huffman's code %d", freq, limit, got, want)
				}
			}
		}
	}
}
