package pipeline

import (
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/layout"

	"github.com/leve-build/leve/internal/testutil/fakecompile"
	"github.com/leve-build/leve/pkg/publish"
)

// buildShip builds o, ships it and releases the build's files, as one
// call: what the tests written before the Build/Ship seam expect.
func buildShip(ctx context.Context, o Options) (*Report, publish.Artifact, error) {
	built, err := Build(ctx, o)
	if err == nil {
		err = built.Ship(ctx)
	}
	built.Close()
	if err != nil {
		return built.Report, nil, err
	}
	return built.Report, built.Artifact, nil
}

// TestBuildThenShip: Build names the image and ships nothing; Ship writes
// the sinks and records them; Close removes the temporary directory Build
// made, and not before.
func TestBuildThenShip(t *testing.T) {
	work := t.TempDir()
	t.Setenv("TMPDIR", work) // where Build's own temporary directory goes
	out := filepath.Join(t.TempDir(), "oci")
	sinkCalls := 0
	built, err := Build(context.Background(), Options{
		Target: mainDir(t), Compiler: &fakecompile.Compiler{}, Stderr: io.Discard, Name: "web",
		Sinks: func(ref publish.Ref) ([]publish.Sink, error) {
			sinkCalls++
			return []publish.Sink{publish.Layout{Dir: out}}, nil
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	rep := built.Report
	if sinkCalls != 0 || rep.Ship.Name != "" || len(rep.Outputs) != 0 || rep.Reference != "web:latest@"+rep.Digest || built.Ref() != (publish.Ref{Name: "web", Tag: "latest"}) {
		t.Errorf("after Build: %d sink calls, ship %+v, outputs %v, reference %q; want named, nothing shipped", sinkCalls, rep.Ship, rep.Outputs, rep.Reference)
	}
	if _, err := os.Stat(out); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("Build wrote %s before Ship: %v", out, err)
	}
	tmps, _ := filepath.Glob(filepath.Join(work, "leve-build-*"))
	if len(tmps) != 1 {
		t.Fatalf("temporary directories before Close: %v, want Build's one", tmps)
	}
	if err := built.Ship(context.Background()); err != nil {
		t.Fatal(err)
	}
	if rep.Ship.Name != "ship" || len(rep.Outputs) != 1 || rep.Outputs[0].Kind != "layout" || rep.Outputs[0].Digest != rep.Digest {
		t.Errorf("after Ship: ship %+v, outputs %+v", rep.Ship, rep.Outputs)
	}
	idx, err := layout.ImageIndexFromPath(out)
	if err != nil {
		t.Fatalf("the layout Ship wrote: %v", err)
	}
	if m, err := idx.IndexManifest(); err != nil || len(m.Manifests) != 2 || m.Manifests[0].Digest.String() != rep.Digest {
		t.Errorf("layout index %+v, %v; want the built image and its SBOM", m, err)
	}
	if err := built.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(tmps[0]); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("Close left %s: %v", tmps[0], err)
	}
	if err := built.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
}

// TestBuildFailedShipsNothing: a failed Build still gives its report, and
// its Built refuses to ship.
func TestBuildFailedShipsNothing(t *testing.T) {
	built, err := Build(context.Background(), Options{Target: mainDir(t), Compiler: &fakecompile.Compiler{Err: errors.New("no")}})
	if err == nil || built == nil || built.Report == nil || built.Artifact != nil || len(built.Report.Images) != 1 {
		t.Fatalf("Build with a failing compiler: %+v, %v", built, err)
	}
	if err := built.Ship(context.Background()); !errors.Is(err, errNothingBuilt) {
		t.Errorf("Ship after a failed Build: %v", err)
	}
	built.Close()
}

// TestBuildKeepsLayersForShip: with WorkDir the artifact's layers stay
// readable after Close, for a caller that reads the image itself.
func TestBuildKeepsLayersForShip(t *testing.T) {
	built, err := Build(context.Background(), Options{Target: mainDir(t), Compiler: &fakecompile.Compiler{}, Stderr: io.Discard, WorkDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	built.Close()
	img := built.Artifact.(publish.Bundle).Artifact.(v1.Image)
	layers, err := img.Layers()
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range layers {
		rc, err := l.Compressed()
		if err != nil {
			t.Fatalf("layer after Close with WorkDir: %v", err)
		}
		rc.Close()
	}
}

// TestStageEndReports: each stage's end event carries the platform's
// report as far as the stages have gone, derived from what they handed
// on: the binary's name and path after compile, its analysis after read,
// its shipped size after optimize, the files and layers after package.
func TestStageEndReports(t *testing.T) {
	type seen struct {
		name, path string
		needs      bool
		sizeAfter  int64
		files      bool
		layers     int
	}
	got := map[string]seen{}
	rep, _, _ := buildFake(t, Options{Progress: func(e Event) {
		if e, ok := e.(*StageEnd); ok && e.Image != nil {
			b := e.Image.Binary
			got[e.Report.Name] = seen{b.Name, b.Path, b.Needs != nil, b.SizeAfter, e.Image.Files != nil, len(e.Image.Layers)}
		}
	}})
	final := rep.Images[0]
	want := map[string]seen{
		"compile":  {"hello", "/app/hello", false, 0, false, 0},
		"read":     {"hello", "/app/hello", true, 0, false, 0},
		"optimize": {"hello", "/app/hello", true, final.Binary.SizeAfter, false, 0},
		"package":  {"hello", "/app/hello", true, final.Binary.SizeAfter, true, len(final.Layers)},
	}
	for stage, w := range want {
		if got[stage] != w {
			t.Errorf("after %s: %+v, want %+v", stage, got[stage], w)
		}
	}
	if final.Binary.SizeAfter == 0 || len(final.Layers) == 0 || len(final.Stages) != 4 {
		t.Errorf("final report %+v", final)
	}
}
