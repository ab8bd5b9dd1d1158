package deflate

// DEFLATE format constants (RFC 1951).
const (
	minMatch   = 3
	maxMatch   = 258
	windowSize = 1 << 15
	maxDist    = windowSize - 1 // offsets this encoder emits are < 32768

	numLitLen   = 286 // literal/length symbols that may be used
	numDist     = 30  // offset symbols that may be used
	numPrecode  = 19
	endOfBlock  = 256
	firstLenSym = 257

	maxCodeLen     = 15
	maxPrecodeLen  = 7
	storedMaxBlock = 65535
)

// lengthBase and lengthExtra give, per length slot, the first match length
// and the number of extra bits (RFC 1951 section 3.2.5).
var lengthBase = [29]uint16{3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31,
	35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258}

var lengthExtra = [29]uint8{0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2,
	3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0}

// distBase and distExtra give, per offset slot, the first offset and the
// number of extra bits.
var distBase = [30]uint16{1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193,
	257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577}

var distExtra = [30]uint8{0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6,
	7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13}

// precodeOrder is the order in which precode lengths are stored.
var precodeOrder = [numPrecode]uint8{16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15}

// lengthSlot maps a match length to its length slot.
var lengthSlot [maxMatch + 1]uint8

// distSlot maps an offset (1..32768) to its offset slot; it is sized so
// that a uint16 index needs no bounds check.
var distSlot [1 << 16]uint8

func init() {
	for s := range lengthBase {
		hi := maxMatch
		if s+1 < len(lengthBase) {
			hi = int(lengthBase[s+1]) - 1
		}
		for l := int(lengthBase[s]); l <= hi; l++ {
			lengthSlot[l] = uint8(s)
		}
	}
	lengthSlot[maxMatch] = 28
	for s := range distBase {
		hi := windowSize
		if s+1 < len(distBase) {
			hi = int(distBase[s+1]) - 1
		}
		for d := int(distBase[s]); d <= hi; d++ {
			distSlot[d] = uint8(s)
		}
	}
}

// staticLitLenLens and staticDistLens are the code lengths of the static
// Huffman block (RFC 1951 section 3.2.6).
var staticLitLenLens, staticDistLens = func() ([288]uint8, [32]uint8) {
	var ll [288]uint8
	var d [32]uint8
	for i := range ll {
		switch {
		case i < 144:
			ll[i] = 8
		case i < 256:
			ll[i] = 9
		case i < 280:
			ll[i] = 7
		default:
			ll[i] = 8
		}
	}
	for i := range d {
		d[i] = 5
	}
	return ll, d
}()
