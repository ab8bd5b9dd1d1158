package depcheck

import (
	"bytes"
	"encoding/json"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

const module = "github.com/leve-build/leve/"

// forbidden maps a package prefix to the imports it must never reach.
var forbidden = map[string][]string{
	"pkg/":         {"internal/cli", "internal/report"},
	"pkg/compile":  {"pkg/pipeline", "pkg/assemble", "pkg/publish", "pkg/exe"},
	"pkg/exe":      {"pkg/pipeline", "pkg/assemble", "pkg/publish", "pkg/compile"},
	"pkg/optimize": {"pkg/pipeline", "pkg/assemble", "pkg/publish"},
	"pkg/pack":     {"pkg/pipeline", "pkg/assemble", "pkg/publish"},
	"pkg/assemble": {"pkg/pipeline", "pkg/publish", "pkg/compile", "pkg/pull"},
	"pkg/publish":  {"pkg/pipeline", "pkg/assemble", "pkg/compile", "pkg/pull"},
	// pull finds bare NAME:TAG in the local store (pkg/store), which reads
	// and changes layouts through publish's layout code; it still never
	// reaches the stages that build images.
	"pkg/pull":        {"pkg/pipeline", "pkg/assemble", "pkg/compile", "pkg/exe", "pkg/optimize", "pkg/pack"},
	"pkg/store":       {"pkg/pipeline", "pkg/assemble", "pkg/compile", "pkg/exe", "pkg/optimize", "pkg/pack"},
	"pkg/regopts":     {"pkg/pipeline", "pkg/assemble", "pkg/publish", "pkg/compile", "pkg/pull"},
	"pkg/imagefs":     {"pkg/pipeline", "pkg/assemble", "pkg/publish", "pkg/compile", "pkg/exe"},
	"internal/report": {"internal/cli"},
	// the one platform type, which every stage shares, depends on none.
	"pkg/platform": {"pkg", "internal"},
}

// presentation are the packages that format for people: leve's renderer
// (internal/report, which holds the one size formatter) and the usual
// size, colour and progress-bar libraries. Libraries emit
// events and typed results; no pkg/ package may reach these.
var presentation = []string{
	module + "internal/report",
	module + "internal/humanize",
	"github.com/dustin/go-humanize",
	"github.com/docker/go-units",
	"github.com/fatih/color",
	"github.com/mattn/go-isatty",
	"github.com/mattn/go-colorable",
	"github.com/muesli/termenv",
	"github.com/charmbracelet/lipgloss",
	"github.com/schollz/progressbar/v3",
	"github.com/cheggaaa/pb/v3",
	"github.com/vbauerster/mpb/v8",
	// golang.org/x/term is allowed: pkg/engine puts a container's terminal
	// in raw mode, which is running a program, not formatting for people.
}

func TestDependenciesPointDown(t *testing.T) {
	cmd := exec.Command("go", "list", "-e", "-json=ImportPath,Deps", module+"...")
	cmd.Dir = "../.."
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	dec := json.NewDecoder(bytes.NewReader(out))
	seen, libraries := 0, 0
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
		if strings.HasPrefix(rel, "pkg/") {
			libraries++
			for _, d := range p.Deps {
				for _, b := range presentation {
					if d == b || strings.HasPrefix(d, b+"/") {
						t.Errorf("%s imports %s (directly or not); libraries send events and typed results, internal/report formats them", rel, d)
					}
				}
			}
		}
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
	if seen < 5 || libraries < 5 {
		t.Fatalf("go list found %d packages, %d of them under pkg/, want leve's", seen, libraries)
	}
}

// TestLibrariesWriteNoEscapeSequences: no source file of a pkg/ package
// (tests aside) holds an escape character: terminal control belongs to
// internal/report.
func TestLibrariesWriteNoEscapeSequences(t *testing.T) {
	files := 0
	err := filepath.WalkDir("../../pkg", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") || strings.Contains(path, "/testdata/") {
			return err
		}
		files++
		src, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for _, esc := range []string{`\x1b`, `\x1B`, `\033`, `\u001b`, `\u001B`} {
			if bytes.Contains(src, []byte(esc)) {
				t.Errorf("%s writes an escape sequence (%s): terminal control belongs to internal/report", path, esc)
			}
		}
		if bytes.IndexByte(src, 0x1b) >= 0 {
			t.Errorf("%s holds an escape character: terminal control belongs to internal/report", path)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if files < 20 {
		t.Fatalf("found %d library sources under ../../pkg, want leve's", files)
	}
}
