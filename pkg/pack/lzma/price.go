package lzma

import bits32 "math/bits"

const (
	// priceShift is the number of fractional bits of a price: a price is
	// the cost of a symbol in 1/16 bits.
	priceShift   = 4
	priceReduce  = 4
	infinityCost = 1 << 30
)

// probPrices[p>>priceReduce] is the price of a bit whose probability is
// p/2048.
var probPrices = func() (t [1 << (probBits - priceReduce)]uint32) {
	for i := uint32(1 << priceReduce / 2); i < 1<<probBits; i += 1 << priceReduce {
		w, bits := i, uint32(0)
		for j := 0; j < priceShift; j++ {
			w *= w
			bits <<= 1
			for w >= 1<<16 {
				w >>= 1
				bits++
			}
		}
		t[i>>priceReduce] = probBits<<priceShift - 15 - bits
	}
	return t
}()

func price0(p prob) uint32 { return probPrices[p>>priceReduce] }
func price1(p prob) uint32 { return probPrices[(p^(1<<probBits-1))>>priceReduce] }

func priceBit(p prob, b uint32) uint32 {
	return probPrices[(uint32(p)^(0-b)&(1<<probBits-1))>>priceReduce]
}

func treePrice(ps []prob, bits, sym uint32) uint32 {
	var price uint32
	sym |= 1 << bits
	for sym > 1 {
		price += priceBit(ps[sym>>1], sym&1)
		sym >>= 1
	}
	return price
}

func reverseTreePrice(ps []prob, bits, sym uint32) uint32 {
	var price uint32
	m := uint32(1)
	for ; bits > 0; bits-- {
		b := sym & 1
		sym >>= 1
		price += priceBit(ps[m], b)
		m = m<<1 | b
	}
	return price
}

func literalPrice(ps []prob, sym uint32) uint32 {
	var price uint32
	sym |= 0x100
	for sym < 0x10000 {
		price += priceBit(ps[sym>>8], sym>>7&1)
		sym <<= 1
	}
	return price
}

func matchedLiteralPrice(ps []prob, sym, match uint32) uint32 {
	var price uint32
	offs := uint32(0x100)
	sym |= 0x100
	for sym < 0x10000 {
		match <<= 1
		price += priceBit(ps[offs+match&offs+sym>>8], sym>>7&1)
		sym <<= 1
		offs &^= match ^ sym
	}
	return price
}

// treePrices sets out[sym] to the price of each symbol of a bits-bit tree
// (bits at most 8), sharing the price of common prefixes.
func treePrices(ps []prob, bits uint32, out []uint32) {
	var node [512]uint32
	n := uint32(1) << bits
	for i := uint32(1); i < n; i++ {
		p := ps[i]
		node[2*i] = node[i] + price0(p)
		node[2*i+1] = node[i] + price1(p)
	}
	copy(out[:n], node[n:2*n])
}

// reverseTreePrices sets out[sym] to the price of each symbol of a
// bits-bit reverse tree (bits at most 8).
func reverseTreePrices(ps []prob, bits uint32, out []uint32) {
	var node [512]uint32
	n := uint32(1) << bits
	for i := uint32(1); i < n; i++ {
		p := ps[i]
		node[2*i] = node[i] + price0(p)
		node[2*i+1] = node[i] + price1(p)
	}
	for sym := uint32(0); sym < n; sym++ {
		out[sym] = node[n|bits32.Reverse32(sym)>>(32-bits)]
	}
}
