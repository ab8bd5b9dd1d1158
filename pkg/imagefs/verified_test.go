package imagefs

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"testing"

	v1 "github.com/google/go-containerregistry/pkg/v1"
)

var errClaimed = errors.New("content does not match the claimed diff_id")

// claiming is a layer that claims a diff_id. With check, it says it
// verifies its stream itself (DiffIDVerifier), and fails the read that
// ends a stream not hashing to the claim, as pkg/pull's layers do,
// unless it lies.
type claiming struct {
	v1.Layer
	claim   v1.Hash
	check   bool
	lie     bool
	content func() []byte
}

func (c *claiming) DiffID() (v1.Hash, error) { return c.claim, nil }
func (c *claiming) VerifiesDiffID() bool     { return c.check }

func (c *claiming) Uncompressed() (io.ReadCloser, error) {
	b := c.content()
	sum := sha256.Sum256(b)
	if !c.check || c.lie || hex.EncodeToString(sum[:]) == c.claim.Hex {
		return io.NopCloser(bytes.NewReader(b)), nil
	}
	return io.NopCloser(io.MultiReader(bytes.NewReader(b), iotestErr{errClaimed})), nil
}

type iotestErr struct{ err error }

func (e iotestErr) Read([]byte) (int, error) { return 0, e.err }

func diffIDOf(b []byte) v1.Hash {
	sum := sha256.Sum256(b)
	return v1.Hash{Algorithm: "sha256", Hex: hex.EncodeToString(sum[:])}
}

// A layer that verifies its own stream is not hashed again: ReadLayers
// takes its diff_id and its failure (a lying one is believed: nothing
// hashed it); any other layer is hashed here.
func TestReadTrustsAVerifyingLayer(t *testing.T) {
	ctx := context.Background()
	b := tarOf(t, file("x", 0o644, "content"))
	good, other := diffIDOf(b), diffIDOf([]byte("other"))
	for _, tc := range []struct {
		name       string
		claim      v1.Hash
		check, lie bool
		want       error
	}{
		{"verifying, right", good, true, false, nil},
		{"verifying, wrong", other, true, false, errClaimed},
		{"verifying, lying", other, true, true, nil},
		{"not verifying, right", good, false, false, nil},
		{"not verifying, wrong", other, false, false, ErrDiffIDMismatch},
	} {
		l := &claiming{Layer: layerOf(t, b), claim: tc.claim, check: tc.check, lie: tc.lie, content: func() []byte { return b }}
		f, err := ReadLayers(ctx, []v1.Layer{l}, WithFileDigests(false))
		if !errors.Is(err, tc.want) || (tc.want == nil && err != nil) {
			t.Errorf("%s: ReadLayers error = %v, want %v", tc.name, err, tc.want)
			continue
		}
		if err == nil && f.Layers()[0].DiffID != tc.claim {
			t.Errorf("%s: diff_id %s, want %s", tc.name, f.Layers()[0].DiffID, tc.claim)
		}
	}
}

// Open of a verifying layer without file digests relies on the layer's
// own check at the end of its stream, and on its length.
func TestOpenTrustsAVerifyingLayer(t *testing.T) {
	first := tarOf(t, file("x", 0o644, "trusted"), file("y", 0o644, "after"))
	for name, tc := range map[string]struct {
		later []byte
		want  error
	}{
		"unchanged":                 {first, nil},
		"a later file changed":      {tarOf(t, file("x", 0o644, "trusted"), file("y", 0o644, "AFTER")), ErrDigestMismatch},
		"the layer grew at its end": {append(append([]byte{}, first...), make([]byte, 512)...), ErrDigestMismatch},
	} {
		n := 0
		l := &claiming{Layer: layerOf(t, first), claim: diffIDOf(first), check: true, content: func() []byte {
			if n++; n == 1 {
				return first
			}
			return tc.later
		}}
		got, err := readBack(t, l, "x")
		if !errors.Is(err, tc.want) || (tc.want == nil && (err != nil || string(got) != "trusted")) {
			t.Errorf("%s: reading x = %q, %v; want %v", name, got, err, tc.want)
		}
	}
}

// WithFileDigestsFor hashes the files it names: Open checks such a file
// by its digest and stops at its end, the rest of the layer unread; any
// other file is checked by reading the rest of its layer.
func TestFileDigestsFor(t *testing.T) {
	ctx := context.Background()
	first := tarOf(t, file("bin/app", 0o755, "program"), file("x", 0o644, "trusted"), file("y", 0o644, "after"))
	later := tarOf(t, file("bin/app", 0o755, "program"), file("x", 0o644, "trusted"), file("y", 0o644, "AFTER"))
	l := &changing{Layer: layerOf(t, first), first: first, later: later}
	f, err := ReadLayers(ctx, []v1.Layer{l}, WithFileDigests(false), WithFileDigestsFor(func(p string) bool { return p == "bin/app" }))
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range f.Layers()[0].AllEntries() {
		if (e.Digest != v1.Hash{}) != (e.Path == "bin/app") {
			t.Errorf("%s: digest %q, want one for bin/app only", e.Path, e.Digest)
		}
	}
	for p, want := range map[string]error{"bin/app": nil, "x": ErrDigestMismatch} {
		rc, err := f.Open(ctx, p)
		if err != nil {
			t.Fatal(err)
		}
		_, err = io.ReadAll(rc)
		rc.Close()
		if !errors.Is(err, want) || (want == nil && err != nil) {
			t.Errorf("reading %s after the layer's end changed: %v, want %v", p, err, want)
		}
	}
}

// plainParents answers as resolving the parents would, or declines.
func TestPlainParentsAgreesWithResolve(t *testing.T) {
	f, err := ReadLayers(context.Background(), layers(t, []te{
		dir("a/"), dir("a/b/"), file("a/b/f", 0o644, "x"), symlink("a/l", "b"), file("a/file", 0o644, "y"), symlink("abs", "/a"),
	}))
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{"a", "a/b", "a/b/f", "a/b/f/g", "a/l/f", "a/file/x", "abs/b/f", "missing/x/y", "a/missing/y", "../a/b", "a//b/f", "/a/b/f", "a/./b/f"} {
		slow, err := resolveIn(parentOf(p), true, treeLinks(f.root))
		if err != nil {
			t.Fatal(err)
		}
		if plainParents(f.root, p) && cleanRel(slow) != cleanRel(parentOf(p)) {
			t.Errorf("plainParents(%q) = true, but its parent resolves to %q", p, slow)
		}
	}
	for _, p := range []string{"a/l/f", "abs/b/f"} {
		if plainParents(f.root, p) {
			t.Errorf("plainParents(%q) = true through a symlink", p)
		}
	}
	for _, p := range []string{"a/b/f", "missing/x/y", "a/file/x"} {
		if !plainParents(f.root, p) {
			t.Errorf("plainParents(%q) = false, want true: no link on its way", p)
		}
	}
}
