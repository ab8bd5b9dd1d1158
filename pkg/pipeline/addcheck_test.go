package pipeline

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestCheckAdds(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "api")
	static := filepath.Join(dir, "static")
	shadow := filepath.Join(dir, "shadow")
	for _, p := range []string{file, filepath.Join(static, "index.html"), filepath.Join(shadow, "app", "api")} {
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte("x"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	const bin = "/app/api"
	for _, a := range []Add{{file, "/app/api.conf"}, {file, "/etc/"}, {static, "/app/static"}, {static, "/app"}, {shadow, "/srv"}, {file, "/app/data/"}} {
		if err := checkAdds([]Add{a}, bin); err != nil {
			t.Errorf("--add %s:%s: %v; want it accepted", a.Src, a.Dest, err)
		}
	}
	for _, c := range []struct {
		add  Add
		want string
	}{
		{Add{file, "/app/api"}, "/app/api is the binary's path; choose another DEST, e.g. /app/data/api"},
		{Add{file, "/app/"}, "/app/api is the binary's path"},
		{Add{file, "//app/./api"}, "/app/api is the binary's path"},
		{Add{static, "/app/api"}, "/app/api is the binary's path"},
		{Add{file, "/app/api/x"}, "/app/api is the binary's path"},
		{Add{file, "/app"}, "/app is the binary's directory; give /app/ to copy api into it"},
		{Add{shadow, "/"}, shadow + " holds app/api, which would land on the binary's path /app/api"},
		{Add{filepath.Join(shadow, "app"), "/app"}, filepath.Join(shadow, "app") + " holds api, which would land on the binary's path /app/api"},
	} {
		err := checkAdds([]Add{{static, "/srv"}, c.add}, bin)
		if !errors.Is(err, ErrAddShadows) || !errors.As(err, new(*AddError)) || !strings.HasPrefix(err.Error(), "adding "+c.add.Src+":"+c.add.Dest+": ") || !strings.Contains(err.Error(), c.want) {
			t.Errorf("--add %s:%s: %v\nwant %q", c.add.Src, c.add.Dest, err, c.want)
		}
	}
}
