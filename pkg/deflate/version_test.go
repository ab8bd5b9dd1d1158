package deflate

import (
	"crypto/sha256"
	"encoding/hex"
	"math/rand"
	"testing"
)

// pinnedOutput is the sha256 of Gzip's output for versionInput at each
// level, for Version 3. When the encoder's output changes, bump Version
// and record the new sums here.
var pinnedOutput = map[Level]string{
	Fast:    "278543bd6171046d7e4491d70c89f78a578566e40256226fdcdc07d03c9e0c8a",
	Default: "a6de9437ea6e16597c29ae7fb271d8be34387df21aedf325e4adc967636ff697",
	Max:     "f18444d082b13b412479e8bf5cac4e157c2d38a55a30cd952b0c98e4e3332c7a",
}

// versionInput mixes text-like repeats and noise, so every parser path
// (literals, matches, block splits) takes part.
func versionInput() []byte {
	r := rand.New(rand.NewSource(1))
	words := []string{"leve ", "é ", "leve, ", "imagem ", "camada ", "\x00\x00\x00\x00", "func main() {\n", "return nil\n"}
	var b []byte
	for len(b) < 600<<10 {
		if r.Intn(10) == 0 {
			b = append(b, byte(r.Intn(256)))
			continue
		}
		b = append(b, words[r.Intn(len(words))]...)
	}
	return b
}

func TestVersionPinsOutput(t *testing.T) {
	in := versionInput()
	for _, l := range []Level{Fast, Default, Max} {
		out, err := Gzip(nil, in, l)
		if err != nil {
			t.Fatal(err)
		}
		sum := sha256.Sum256(out)
		got := hex.EncodeToString(sum[:])
		want, ok := pinnedOutput[l]
		if !ok {
			t.Errorf("no pinned output for level %v: record %q", l, got)
			continue
		}
		if got != want {
			t.Errorf("%v output changed (sha256 %s, pinned %s for Version %d): bump Version and record the new sums, so caches keyed by it drop the old bytes", l, got, want, Version)
		}
	}
}
