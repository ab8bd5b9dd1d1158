package pipeline

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/leve-build/leve/internal/testutil/fakecompile"
	"github.com/leve-build/leve/pkg/exe"
	"github.com/leve-build/leve/pkg/optimize"
	"github.com/leve-build/leve/pkg/platform"
)

// TestAnalyzePackage builds a package as Build does (fakecompile's
// fixture), strips it unless NoStrip, and analyses what it shipped.
func TestAnalyzePackage(t *testing.T) {
	fixture, err := fakecompile.Binary("arm64")
	if err != nil {
		t.Fatal(err)
	}
	stripped, _, err := optimize.Strip(fixture)
	if err != nil {
		t.Fatal(err)
	}
	for _, noStrip := range []bool{false, true} {
		c := &fakecompile.Compiler{}
		o := Options{Target: mainDir(t), Platforms: []platform.Platform{{OS: "linux", Arch: "arm64"}}, NoStrip: noStrip,
			Compiler: c, Stderr: io.Discard, WorkDir: t.TempDir()}
		a, err := Analyze(context.Background(), o)
		if err != nil {
			t.Fatalf("Analyze(NoStrip %v): %v", noStrip, err)
		}
		want := int64(len(stripped))
		if noStrip {
			want = int64(len(fixture))
		}
		switch {
		case a.Input != InputPackage || a.Built == nil || a.Built.ImportPath != fakecompile.ImportPath || a.Built.Platform.Arch != "arm64":
			t.Errorf("Analyze(NoStrip %v) = input %v, built %+v; want the fixture package for arm64", noStrip, a.Input, a.Built)
		case (a.Built.Strip == nil) != noStrip:
			t.Errorf("Analyze(NoStrip %v): strip %+v", noStrip, a.Built.Strip)
		case a.Report.Size != want || a.Report.GOARCH != "arm64" || a.Report.Path != fakecompile.Name:
			t.Errorf("Analyze(NoStrip %v): report of %s, %d B for %s; want %s, %d B for arm64", noStrip, a.Report.Path, a.Report.Size, a.Report.GOARCH, fakecompile.Name, want)
		case c.Builds.Load() != 1:
			t.Errorf("Analyze(NoStrip %v) built %d times, want once", noStrip, c.Builds.Load())
		}
	}
}

// TestAnalyzeFiles: a file is told apart by its bytes, and what cannot be
// read gives an *AnalyzeError of the right kind.
func TestAnalyzeFiles(t *testing.T) {
	dir := t.TempDir()
	fixture, err := fakecompile.Binary("amd64")
	if err != nil {
		t.Fatal(err)
	}
	var saved bytes.Buffer
	rep, err := readReport("app", bytes.NewReader(fixture))
	if err != nil {
		t.Fatal(err)
	}
	if err := rep.WriteJSON(&saved); err != nil {
		t.Fatal(err)
	}
	files := map[string][]byte{
		"app": fixture, "app.json": saved.Bytes(), "empty": nil, "script": []byte("#!/bin/sh\necho hi\n"),
		"bad.json": []byte("{\"schema\": 1"), "truncated": fixture[:len(fixture)/3],
	}
	for name, data := range files {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, tc := range []struct {
		name  string
		input Input
		kind  error // the AnalyzeError's kind; nil: no error
	}{
		{"app", InputExecutable, nil},
		{"app.json", InputJSON, nil},
		{"empty", 0, ErrEmptyFile},
		{"script", 0, ErrUnknownInput},
		{"bad.json", 0, ErrNotAnalysis},
		{"truncated", 0, ErrUnreadable},
		{"missing", 0, ErrNoTarget},
	} {
		target := filepath.Join(dir, tc.name)
		a, err := Analyze(context.Background(), Options{Target: target, Compiler: &fakecompile.Compiler{}, WorkDir: t.TempDir()})
		var ae *AnalyzeError
		switch {
		case tc.kind == nil && err != nil:
			t.Errorf("Analyze(%s): %v", tc.name, err)
		case tc.kind == nil && (a.Input != tc.input || a.Report.Size != int64(len(fixture))):
			t.Errorf("Analyze(%s) = input %v, %d B; want input %v, %d B", tc.name, a.Input, a.Report.Size, tc.input, len(fixture))
		case tc.kind != nil && (!errors.As(err, &ae) || ae.Kind != tc.kind || ae.Target != target):
			t.Errorf("Analyze(%s) = %v; want an AnalyzeError of %s, kind %v", tc.name, err, target, tc.kind)
		}
		if tc.name == "truncated" && !errors.As(err, new(*exe.FormatError)) {
			t.Errorf("Analyze(truncated) = %v; want it to wrap pkg/exe's FormatError", err)
		}
	}
}
