package depcheck

import (
	"bytes"
	"encoding/json"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// stageOnly are the packages the commands reach only through
// pkg/pipeline (or, for the packer's LZMA tuning, through pkg/pack's
// options): a command validates, makes one library call and renders.
var stageOnly = []string{"pkg/compile", "pkg/optimize", "pkg/pack/lzma"}

func TestCommandsImportNoStage(t *testing.T) {
	cmd := exec.Command("go", "list", "-e", "-json=ImportPath,Imports", module+"internal/cli/...")
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
			Imports    []string
		}
		if err := dec.Decode(&p); err != nil {
			t.Fatal(err)
		}
		seen++
		for _, imp := range p.Imports {
			for _, s := range stageOnly {
				if imp == module+s {
					t.Errorf("%s imports %s: commands call pkg/pipeline, which runs the stages", strings.TrimPrefix(p.ImportPath, module), s)
				}
			}
		}
	}
	if seen < 2 {
		t.Fatalf("go list found %d packages under internal/cli, want the commands and their options", seen)
	}
}

// TestOnlyCompileRunsGo: outside pkg/compile, no source file (tests and
// the test helpers of internal/testutil aside) runs the go command, by
// exec.Command("go", …), exec.CommandContext(ctx, "go", …) or
// compile.GoCommand.
func TestOnlyCompileRunsGo(t *testing.T) {
	files, runs := 0, 0
	err := filepath.WalkDir("../..", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel("../..", path)
		rel = filepath.ToSlash(rel)
		if d.IsDir() {
			if strings.HasPrefix(d.Name(), ".") && rel != "." || d.Name() == "testdata" || rel == "internal/testutil" || rel == "bench" {
				// bench/ is the benchmark harness, not part of leve: it
				// runs go test and go install by design.
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		files++
		f, err := parser.ParseFile(token.NewFileSet(), path, nil, parser.SkipObjectResolution)
		if err != nil {
			return err
		}
		for _, call := range goRuns(f) {
			if strings.HasPrefix(rel, "pkg/compile/") {
				runs++
				continue
			}
			t.Errorf("%s runs the go command (%s): only pkg/compile does", rel, call)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if files < 50 || runs == 0 {
		t.Fatalf("read %d sources and found %d runs of go in pkg/compile, want leve's", files, runs)
	}
}

// goRuns returns the calls in f that run the go command.
func goRuns(f *ast.File) []string {
	names := map[string]string{} // local package name → import path
	for _, imp := range f.Imports {
		p, _ := strconv.Unquote(imp.Path.Value)
		name := p[strings.LastIndex(p, "/")+1:]
		if imp.Name != nil {
			name = imp.Name.Name
		}
		names[name] = p
	}
	var out []string
	ast.Inspect(f, func(n ast.Node) bool {
		call, ok := n.(*ast.CallExpr)
		if !ok {
			return true
		}
		fn, ok := call.Fun.(*ast.SelectorExpr)
		if !ok {
			if id, ok := call.Fun.(*ast.Ident); ok && id.Name == "GoCommand" && f.Name.Name == "compile" {
				out = append(out, "GoCommand")
			}
			return true
		}
		x, ok := fn.X.(*ast.Ident)
		if !ok {
			return true
		}
		pkg := names[x.Name]
		arg := -1
		switch {
		case pkg == module+"pkg/compile" && fn.Sel.Name == "GoCommand":
			out = append(out, "compile.GoCommand")
		case pkg == "os/exec" && fn.Sel.Name == "Command":
			arg = 0
		case pkg == "os/exec" && fn.Sel.Name == "CommandContext":
			arg = 1
		}
		if arg >= 0 && len(call.Args) > arg {
			if lit, ok := call.Args[arg].(*ast.BasicLit); ok && lit.Value == `"go"` {
				out = append(out, "exec."+fn.Sel.Name+`("go")`)
			}
		}
		return true
	})
	return out
}
