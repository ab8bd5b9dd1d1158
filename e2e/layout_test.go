package e2e

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// Annotations leve puts on each image of an OCI layout's index.json.
const (
	annotationRefName   = "org.opencontainers.image.ref.name"
	annotationImageName = "io.containerd.image.name"
)

// descriptor is an OCI content descriptor.
type descriptor struct {
	MediaType   string            `json:"mediaType"`
	Digest      string            `json:"digest"`
	Size        int64             `json:"size"`
	Annotations map[string]string `json:"annotations,omitempty"`
}

// index is an OCI image index (a layout's index.json).
type index struct {
	SchemaVersion int          `json:"schemaVersion"`
	Manifests     []descriptor `json:"manifests"`
}

// readIndex reads the index.json of the OCI layout dir.
func readIndex(t *testing.T, dir string) index {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dir, "index.json"))
	if err != nil {
		t.Fatalf("reading the layout's index: %v", err)
	}
	var idx index
	if err := json.Unmarshal(data, &idx); err != nil {
		t.Fatalf("parsing %s/index.json: %v", dir, err)
	}
	return idx
}

// findTag returns the descriptor the layout dir gives for tag.
func findTag(t *testing.T, dir, tag string) descriptor {
	t.Helper()
	idx := readIndex(t, dir)
	for _, d := range idx.Manifests {
		if d.Annotations[annotationRefName] == tag {
			return d
		}
	}
	t.Fatalf("%s/index.json has no manifest with %s=%q: %+v", dir, annotationRefName, tag, idx.Manifests)
	return descriptor{}
}

// hello is the result of building examples/hello once with default flags
// into an OCI layout; tests share it and must not modify it.
var hello struct {
	once   sync.Once
	layout string // the layout directory
	res    result // what leve build printed
	err    error  // why leve build could not run
}

// helloLayout builds examples/hello into a shared layout on first use and
// returns the layout directory and the reference leve printed.
func helloLayout(t *testing.T) (string, imageRef) {
	t.Helper()
	bin := leve(t)
	hello.once.Do(func() {
		hello.layout = filepath.Join(workDir, "hello-layout")
		hello.res, hello.err = execCmd(workDir, "", nil, bin, "build", "-o", hello.layout, filepath.Join(repoRoot, "examples", "hello"))
	})
	if hello.err != nil {
		t.Fatal(hello.err)
	}
	if hello.res.code != 0 {
		t.Fatalf("leve build -o %s examples/hello: %s", hello.layout, hello.res)
	}
	return hello.layout, parseRef(t, hello.res)
}

// layoutPullSize returns what pulling the image tag of the layout dir
// downloads: its manifest, its config and its compressed layers.
func layoutPullSize(t *testing.T, dir, tag string) int64 {
	t.Helper()
	d := findTag(t, dir, tag)
	alg, hex, _ := strings.Cut(d.Digest, ":")
	data, err := os.ReadFile(filepath.Join(dir, "blobs", alg, hex))
	if err != nil {
		t.Fatalf("reading the manifest of %s: %v", tag, err)
	}
	var m struct {
		Config descriptor   `json:"config"`
		Layers []descriptor `json:"layers"`
	}
	if err := json.Unmarshal(data, &m); err != nil {
		t.Fatalf("parsing the manifest of %s: %v", tag, err)
	}
	n := d.Size + m.Config.Size
	for _, l := range m.Layers {
		n += l.Size
	}
	return n
}

// readJSONString decodes the JSON document s into v.
func readJSONString(s string, v any) error {
	if err := json.Unmarshal([]byte(s), v); err != nil {
		return fmt.Errorf("parsing %q: %w", s, err)
	}
	return nil
}
