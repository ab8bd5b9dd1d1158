package cli

import (
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/leve-build/leve/internal/testutil/fakecompile"
)

// TestMain builds with fakecompile under -short, so that the commands'
// tests need no Go toolchain; tests that need the go command itself call
// needGo.
func TestMain(m *testing.M) {
	flag.Parse()
	if testing.Short() {
		compiler = &fakecompile.Compiler{}
	}
	os.Exit(m.Run())
}

// fixtureProgram writes fakecompile's linux/amd64 binary (a stripped
// static program that prints "hello from leve") to dir/app and returns
// its path.
func fixtureProgram(t *testing.T, dir string) string {
	t.Helper()
	data, err := fakecompile.Binary("amd64")
	if err != nil {
		t.Fatal(err)
	}
	app := filepath.Join(dir, "app")
	if err := os.WriteFile(app, data, 0o755); err != nil {
		t.Fatal(err)
	}
	return app
}

// needGo skips a test that runs the go command under -short.
func needGo(t *testing.T) {
	t.Helper()
	if testing.Short() {
		t.Skip("runs the go command; under -short builds use fakecompile")
	}
}
