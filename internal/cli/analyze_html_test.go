package cli

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

type brokenWriter struct{}

func (brokenWriter) Write([]byte) (int, error) { return 0, errors.New("broken pipe") }

// TestAnalyzeHTMLAllOrNothing replaces an earlier --html page only when
// the run succeeded: a report that cannot be printed leaves the page as it
// was and no temporary file.
func TestAnalyzeHTMLAllOrNothing(t *testing.T) {
	bin := fixtureProgram(t, t.TempDir())
	dir := t.TempDir()
	page := filepath.Join(dir, "a.html")
	if err := os.WriteFile(page, []byte("earlier"), 0o644); err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	code := Execute(context.Background(), []string{"analyze", "--html", page, bin}, strings.NewReader(""), brokenWriter{}, &stderr)
	if code != ExitError {
		t.Errorf("leve analyze --html with a broken stdout = exit %d, want %d; stderr %q", code, ExitError, stderr.String())
	}
	if b, _ := os.ReadFile(page); string(b) != "earlier" {
		t.Errorf("the failed run replaced the earlier page")
	}
	if es, _ := os.ReadDir(dir); len(es) != 1 {
		t.Errorf("the failed run left %d entries in the directory, want the page only", len(es))
	}

	var stdout bytes.Buffer
	stderr.Reset()
	if code := Execute(context.Background(), []string{"analyze", "--html", page, bin}, strings.NewReader(""), &stdout, &stderr); code != ExitOK {
		t.Fatalf("leve analyze --html = exit %d, stderr %q", code, stderr.String())
	}
	if b, _ := os.ReadFile(page); !bytes.Contains(b, []byte("<html")) {
		t.Errorf("the page was not replaced by the HTML report")
	}
	if !strings.Contains(stderr.String(), "wrote "+page) {
		t.Errorf("stderr %q does not say it wrote %s", stderr.String(), page)
	}
}
