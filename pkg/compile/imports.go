package compile

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"strings"
)

// Imports returns the import graph of pkg and everything it depends on,
// for q's platform, tags and cgo setting: each package's import path
// mapped to the import paths it imports directly ("go list -deps").
func Imports(ctx context.Context, pkg Package, q Query) (map[string][]string, error) {
	args := []string{"list", "-deps", "-e", "-json=ImportPath,Imports"}
	if len(q.Tags) > 0 {
		args = append(args, "-tags="+strings.Join(q.Tags, ","))
	}
	cmd := GoCommand(ctx, append(args, pkg.Args...)...)
	cmd.Dir = pkg.Dir
	cmd.Env = append(os.Environ(), append(q.Platform.Env(), cgoEnv(q.Cgo))...)
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("listing the imports of %s: %w", pkg.ImportPath, err)
	}
	imports := map[string][]string{}
	dec := json.NewDecoder(bytes.NewReader(out))
	for dec.More() {
		var l struct {
			ImportPath string
			Imports    []string
		}
		if err := dec.Decode(&l); err != nil {
			return nil, fmt.Errorf("listing the imports of %s: %w", pkg.ImportPath, err)
		}
		imports[l.ImportPath] = l.Imports
	}
	return imports, nil
}

// cgoEnv is the CGO_ENABLED setting of the go command.
func cgoEnv(cgo bool) string {
	if cgo {
		return "CGO_ENABLED=1"
	}
	return "CGO_ENABLED=0"
}
