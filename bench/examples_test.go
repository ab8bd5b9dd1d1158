package bench

import (
	"os"
	"path/filepath"
	"sync"
	"testing"
)

// example is one of the example apps under examples/ that the issue 5
// figures measure.
type example struct {
	name  string   // directory under examples/ and binary name
	flags []string // extra leve build flags it needs
	cgo   bool     // built with CGO_ENABLED=1
}

// examples are the five apps: hello and the four realistic ones.
var examples = []example{
	{name: "hello"},
	{name: "api"},
	{name: "cli"},
	{name: "dbclient"},
	{name: "cgo", flags: []string{"--cgo", "--libs=copy"}, cgo: true},
}

// exampleSrcs holds the copies of examples/ made once per run.
var exampleSrcs struct {
	once sync.Once
	dir  string
	err  error
}

// examplesDir copies every example to a temporary directory on first use,
// so that no build writes into the repository, and returns the directory
// holding the copies (one subdirectory per example).
func examplesDir(b *testing.B) string {
	b.Helper()
	exampleSrcs.once.Do(func() {
		exampleSrcs.dir = filepath.Join(workDir, "examples")
		for _, e := range examples {
			src := filepath.Join(repoRoot, "examples", e.name)
			if exampleSrcs.err = os.CopyFS(filepath.Join(exampleSrcs.dir, e.name), os.DirFS(src)); exampleSrcs.err != nil {
				return
			}
		}
	})
	if exampleSrcs.err != nil {
		b.Fatal(exampleSrcs.err)
	}
	return exampleSrcs.dir
}

// cgoEnv is the Go environment an example is built with outside leve.
func (e example) cgoEnv() []string {
	if e.cgo {
		return []string{"CGO_ENABLED=1"}
	}
	return []string{"CGO_ENABLED=0"}
}
