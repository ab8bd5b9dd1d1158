package compile

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"os"
	"strings"

	"github.com/leve-build/leve/internal/oneline"
)

// ListMains expands patterns such as "./..." into the main packages they
// match, as import paths, in go list's order, for q's platform, tags and
// cgo setting. It runs in dir.
func ListMains(ctx context.Context, dir string, patterns []string, q Query) ([]string, error) {
	args := []string{"list", "-e", "-f", "{{if eq .Name \"main\"}}{{.ImportPath}}{{end}}"}
	if len(q.Tags) > 0 {
		args = append(args, "-tags="+strings.Join(q.Tags, ","))
	}
	cmd := GoCommand(ctx, append(args, patterns...)...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), append(q.Platform.Env(), cgoEnv(q.Cgo))...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		if ctx.Err() != nil {
			return nil, fmt.Errorf("listing %s: %w", strings.Join(patterns, " "), ctx.Err())
		}
		return nil, fmt.Errorf("listing %s: %w: %s", strings.Join(patterns, " "), ErrNotFound, oneline.First(stderr.String()))
	}
	var mains []string
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		if p := strings.TrimSpace(sc.Text()); p != "" {
			mains = append(mains, p)
		}
	}
	if len(mains) == 0 {
		return nil, fmt.Errorf("listing %s: %w: no main package matches; give a pattern that includes commands", strings.Join(patterns, " "), ErrNotMain)
	}
	return mains, nil
}

// IsPattern reports whether target is a go list pattern ("./...").
func IsPattern(target string) bool { return strings.Contains(target, "...") }
