package exe

import (
	"math/rand/v2"
	"slices"
	"testing"
)

// TestRadixSort checks radixSort against slices.Sort on short and long
// slices of random numbers, numbers that share bytes, duplicates and
// slices already sorted or reversed.
func TestRadixSort(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	gens := map[string]func(i int) uint64{
		"random":   func(int) uint64 { return r.Uint64() },
		"funcRefs": func(int) uint64 { return uint64(newFuncRef(r.Uint32N(1<<22), r.IntN(40000))) },
		"few":      func(int) uint64 { return uint64(r.IntN(3)) << 40 },
		"equal":    func(int) uint64 { return 7 },
		"sorted":   func(i int) uint64 { return uint64(i) * 3 },
		"reversed": func(i int) uint64 { return ^uint64(i) },
	}
	for name, gen := range gens {
		for _, n := range []int{0, 1, 5, radixMin - 1, radixMin, 1000, 100000} {
			s := make([]uint64, n)
			for i := range s {
				s[i] = gen(i)
			}
			want := slices.Clone(s)
			slices.Sort(want)
			radixSort(s)
			if !slices.Equal(s, want) {
				t.Errorf("%s, %d elements: radixSort differs from slices.Sort", name, n)
			}
		}
	}
}

// BenchmarkSortFuncRefs sorts 200,000 pclntab references with radixSort
// and, for comparison, with slices.Sort.
func BenchmarkSortFuncRefs(b *testing.B) {
	r := rand.New(rand.NewPCG(1, 2))
	in := make([]funcRef, 200000)
	for i := range in {
		in[i] = newFuncRef(r.Uint32N(1<<22), i/5)
	}
	s := make([]funcRef, len(in))
	for _, sorter := range []struct {
		name string
		sort func([]funcRef)
	}{{"radix", radixSort[funcRef]}, {"slices", slices.Sort[[]funcRef]}} {
		b.Run(sorter.name, func(b *testing.B) {
			for b.Loop() {
				copy(s, in)
				sorter.sort(s)
			}
		})
	}
}
