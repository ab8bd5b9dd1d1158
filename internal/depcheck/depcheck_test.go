package depcheck

import (
	"bytes"
	"encoding/json"
	"os/exec"
	"strings"
	"testing"
)

const module = "github.com/leve-build/leve/"

// forbidden maps a package prefix to the imports it must never reach.
var forbidden = map[string][]string{
	"pkg/":            {"internal/cli", "internal/report"},
	"pkg/compile":     {"pkg/pipeline", "pkg/assemble", "pkg/publish", "pkg/exe"},
	"pkg/exe":         {"pkg/pipeline", "pkg/assemble", "pkg/publish", "pkg/compile"},
	"pkg/optimize":    {"pkg/pipeline", "pkg/assemble", "pkg/publish"},
	"pkg/pack":        {"pkg/pipeline", "pkg/assemble", "pkg/publish"},
	"pkg/assemble":    {"pkg/pipeline", "pkg/publish", "pkg/compile", "pkg/pull"},
	"pkg/publish":     {"pkg/pipeline", "pkg/assemble", "pkg/compile", "pkg/pull"},
	"pkg/pull":        {"pkg/pipeline", "pkg/assemble", "pkg/publish", "pkg/compile", "pkg/exe", "pkg/optimize", "pkg/pack"},
	"pkg/regopts":     {"pkg/pipeline", "pkg/assemble", "pkg/publish", "pkg/compile", "pkg/pull"},
	"pkg/imagefs":     {"pkg/pipeline", "pkg/assemble", "pkg/publish", "pkg/compile", "pkg/exe"},
	"internal/report": {"internal/cli"},
}

func TestDependenciesPointDown(t *testing.T) {
	cmd := exec.Command("go", "list", "-e", "-json=ImportPath,Deps", module+"...")
	cmd.Dir = "../.."
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	dec := json.NewDecoder(bytes.NewReader(out))
	seen := 0
	for dec.More() {
		var p struct {
			ImportPath string
			Deps       []string
		}
		if err := dec.Decode(&p); err != nil {
			t.Fatal(err)
		}
		seen++
		rel := strings.TrimPrefix(p.ImportPath, module)
		for prefix, bad := range forbidden {
			if !strings.HasPrefix(rel, prefix) {
				continue
			}
			for _, d := range p.Deps {
				for _, b := range bad {
					if d == module+b || strings.HasPrefix(d, module+b+"/") {
						t.Errorf("%s imports %s (directly or not); dependencies must point down", rel, strings.TrimPrefix(d, module))
					}
				}
			}
		}
	}
	if seen < 5 {
		t.Fatalf("go list found %d packages, want leve's", seen)
	}
}
