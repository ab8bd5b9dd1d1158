package e2e

import (
	"encoding/json"
	"regexp"
	"strings"
	"testing"

	"github.com/leve-build/leve/internal/testutil"
)

// TestAnalyzeReflectChains runs leve analyze on a package whose
// text/template use turns off the linker's method dead-code elimination,
// for amd64 and arm64: the chain comes from the linker's -dumpdep output,
// one line from main.main to reflect.Value.MethodByName; --diff against the
// same program with a constant MethodByName says the change turned it off.
func TestAnalyzeReflectChains(t *testing.T) {
	dir := t.TempDir()
	testutil.WriteFiles(t, dir, map[string]string{
		"go.mod":  "module example.com/page\n\ngo 1.26\n",
		"main.go": "package main\n\nimport \"example.com/page/view\"\n\nfunc main() { view.Show() }\n",
		"view/view.go": "package view\n\nimport (\n\t\"os\"\n\t\"text/template\"\n\t\"time\"\n)\n\n" +
			"// Show prints the year.\nfunc Show() {\n\ttemplate.Must(template.New(\"t\").Parse(\"{{.Now.Year}}\\n\")).Execute(os.Stdout, struct{ Now time.Time }{time.Now()})\n}\n",
		"constant/main.go": "package main\n\nimport (\n\t\"fmt\"\n\t\"reflect\"\n\t\"time\"\n)\n\n" +
			"func main() { fmt.Println(reflect.ValueOf(time.Now()).MethodByName(\"String\").Call(nil)[0]) }\n",
	})
	chain := regexp.MustCompile(`(?m)^  main\.main → example\.com/page/view\.Show → text/template\.\(\*Template\)\.execute → (\S+ → )*text/template\.\(\*state\)\.evalField → reflect\.Value\.MethodByName  \(dumpdep\)$`)
	for _, platform := range []string{"linux/amd64", "linux/arm64"} {
		t.Run(strings.ReplaceAll(platform, "/", "-"), func(t *testing.T) {
			r := runLeve(t, dir, nil, "analyze", "--platform", platform, ".")
			if r.code != 0 {
				t.Fatalf("leve analyze: %s", r)
			}
			if !strings.Contains(r.stdout, "\nmethod dead-code elimination: OFF (") || !chain.MatchString(r.stdout) {
				t.Errorf("leve analyze --platform %s: want the elimination off with the chain from -dumpdep:\n%s", platform, r.stdout)
			}
			if strings.Contains(r.stderr, " -> ") {
				t.Errorf("the linker's dump reached stderr: %.300q", r.stderr)
			}
			r = runLeve(t, dir, nil, "analyze", "--platform", platform, "./constant")
			if r.code != 0 || !strings.Contains(r.stdout, "\nmethod dead-code elimination: on (") ||
				!strings.Contains(r.stdout, "main.main calls reflect.Value.MethodByName with a constant name: that keeps it on") {
				t.Errorf("leve analyze ./constant: want the elimination on, kept on by a constant name:\n%s", r)
			}
		})
	}
	r := runLeve(t, dir, nil, "analyze", "--diff", "--json", "./constant", ".")
	if r.code != 0 {
		t.Fatalf("leve analyze --diff --json: %s", r)
	}
	var c struct {
		MethodDeadCode *struct {
			OldDisabled, NewDisabled bool
			Causes                   []struct{ Function, Source string }
		} `json:"methodDeadCode"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &c); err != nil {
		t.Fatal(err)
	}
	m := c.MethodDeadCode
	if m == nil || m.OldDisabled || !m.NewDisabled || len(m.Causes) != 1 || m.Causes[0].Function != "text/template.(*state).evalField" || m.Causes[0].Source != "dumpdep" {
		t.Errorf("leve analyze --diff --json: methodDeadCode = %+v, want turned off by text/template.(*state).evalField (dumpdep)", m)
	}
}
