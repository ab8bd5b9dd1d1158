package lzma

import (
	"crypto/sha256"
	"encoding/hex"
	"math/rand"
	"testing"
)

// pinnedOutput is the sha256 of Encode's output for the input below with
// the default options, for Version 1. When the encoder's output changes,
// bump Version and record the new sum here.
const pinnedOutput = "c7758970caa52db547e1d3e99c313c1ad6970c53bd591b0e286da220901d6f55"

func TestVersionPinsOutput(t *testing.T) {
	r := rand.New(rand.NewSource(1))
	words := []string{"leve ", "é ", "leve, ", "\\x00\\x00\\x00", "func main() {\\n", "return nil\\n", "\\xe8\\x10\\x20\\x00\\x00"}
	var in []byte
	for len(in) < 200<<10 {
		if r.Intn(8) == 0 {
			in = append(in, byte(r.Intn(256)))
			continue
		}
		in = append(in, words[r.Intn(len(words))]...)
	}
	out, _, err := Encode(in)
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(out)
	if got := hex.EncodeToString(sum[:]); got != pinnedOutput {
		t.Errorf("encoder output changed (sha256 %s, pinned %q for Version %d): bump Version and record the new sum, so caches keyed by it drop the old bytes", got, pinnedOutput, Version)
	}
}
