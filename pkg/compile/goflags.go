package compile

import (
	"context"
	"encoding/json"
	"os"
	"strings"
	"sync"
)

// goEnv is what leve reads of the go command's settings: those that the
// environment and go env -w (the GOENV file) set, read once per process.
type goEnv struct {
	// Flags are the fields of GOFLAGS.
	Flags []string
	// GO111MODULE is the module mode setting, "" for the default.
	GO111MODULE string
	// GOVERSION is the version of the go command, such as "go1.26.8".
	GOVERSION string
}

// goEnvMemo holds the goEnv per environment (the variables that go env
// reads them from), so that a build of many targets asks the go command
// once rather than once per target.
var goEnvMemo struct {
	sync.Mutex
	v map[string]goEnv
}

// goEnvKey are the environment variables the settings of goEnv depend on.
var goEnvKey = []string{"GOFLAGS", "GOENV", "GO111MODULE", "GOTOOLCHAIN"}

// readGoEnv returns the go command's settings, running "go env" in dir the
// first time for this environment. ok is false when go env fails; that is
// not remembered, so the next call asks again.
func readGoEnv(ctx context.Context, dir string) (env goEnv, ok bool) {
	var key strings.Builder
	for _, k := range goEnvKey {
		key.WriteString(os.Getenv(k) + "\x00")
	}
	goEnvMemo.Lock()
	defer goEnvMemo.Unlock()
	if v, ok := goEnvMemo.v[key.String()]; ok {
		return v, true
	}
	cmd := GoCommand(ctx, "env", "-json", "GOFLAGS", "GO111MODULE", "GOVERSION")
	cmd.Dir = dir
	out, err := cmd.Output()
	if err != nil {
		return goEnv{}, false
	}
	var raw struct{ GOFLAGS, GO111MODULE, GOVERSION string }
	if err := json.Unmarshal(out, &raw); err != nil {
		return goEnv{}, false
	}
	env = goEnv{Flags: strings.Fields(raw.GOFLAGS), GO111MODULE: raw.GO111MODULE, GOVERSION: raw.GOVERSION}
	if goEnvMemo.v == nil {
		goEnvMemo.v = map[string]goEnv{}
	}
	goEnvMemo.v[key.String()] = env
	return env, true
}

// goflagsLdflags returns the value of the -ldflags setting of GOFLAGS (from
// the environment or go env -w), "" when there is none.
func goflagsLdflags(ctx context.Context, dir string) string {
	env, _ := readGoEnv(ctx, dir)
	v := ""
	for _, f := range env.Flags {
		for _, p := range []string{"-ldflags=", "--ldflags="} {
			if rest, ok := strings.CutPrefix(f, p); ok {
				v = rest // the last one wins, as in go build
			}
		}
	}
	return v
}
