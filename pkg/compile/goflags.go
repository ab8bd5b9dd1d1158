package compile

import (
	"context"
	"os"
	"strings"
	"sync"
)

// goflagsMemo holds the -ldflags of GOFLAGS per environment (GOFLAGS and
// GOENV, the two places go env reads it from), so that a build of many
// targets asks the go command once rather than once per target.
var goflagsMemo struct {
	sync.Mutex
	v map[string]string
}

// goflagsLdflags returns the value of the -ldflags setting of GOFLAGS (from
// the environment or go env -w), "" when there is none.
func goflagsLdflags(ctx context.Context, dir string) string {
	key := os.Getenv("GOFLAGS") + "\x00" + os.Getenv("GOENV")
	goflagsMemo.Lock()
	defer goflagsMemo.Unlock()
	if v, ok := goflagsMemo.v[key]; ok {
		return v
	}
	cmd := GoCommand(ctx, "env", "GOFLAGS")
	cmd.Dir = dir
	out, err := cmd.Output()
	if err != nil {
		return "" // not remembered: the next build asks again
	}
	v := ""
	for _, f := range strings.Fields(string(out)) {
		for _, p := range []string{"-ldflags=", "--ldflags="} {
			if rest, ok := strings.CutPrefix(f, p); ok {
				v = rest // the last one wins, as in go build
			}
		}
	}
	if goflagsMemo.v == nil {
		goflagsMemo.v = map[string]string{}
	}
	goflagsMemo.v[key] = v
	return v
}
