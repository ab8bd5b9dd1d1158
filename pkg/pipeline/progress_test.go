package pipeline

import (
	"io"
	"log"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/google/go-containerregistry/pkg/registry"

	"github.com/leve-build/leve/pkg/publish"
	"github.com/leve-build/leve/pkg/regopts"
)

func TestBuildSendsProgressEvents(t *testing.T) {
	srv := httptest.NewServer(registry.New(registry.Logger(log.New(io.Discard, "", 0))))
	defer srv.Close()
	host := strings.TrimPrefix(srv.URL, "http://")
	var events []Event
	rep, _, _ := buildFake(t, Options{
		Progress: func(e Event) { events = append(events, e) }, // one at a time, as documented
		Sinks: func(publish.Ref) ([]publish.Sink, error) {
			return []publish.Sink{publish.Registry{Repo: host + "/hello", Options: regopts.Options{Insecure: true}}}, nil
		},
	})
	var order []string
	pushed := map[string]publish.BlobProgress{}
	for _, e := range events {
		switch e := e.(type) {
		case *BuildStart:
			order = append(order, "build "+strings.Join(e.Platforms, ","))
		case *StageStart:
			order = append(order, "start "+e.Platform+" "+e.Stage)
		case *StageEnd:
			if e.Err != nil {
				t.Errorf("stage %s failed: %v", e.Report.Name, e.Err)
			}
			order = append(order, "end "+e.Platform+" "+e.Report.Name)
		case *PushProgress:
			if e.Final {
				pushed[e.Digest.String()] = e.BlobProgress
			}
		}
	}
	want := "build linux/amd64|start linux/amd64 compile|end linux/amd64 compile|start linux/amd64 read|end linux/amd64 read|" +
		"start linux/amd64 optimize|end linux/amd64 optimize|start linux/amd64 package|end linux/amd64 package|start  ship|end  ship"
	if got := strings.Join(order, "|"); got != want {
		t.Errorf("events:\n %s\nwant\n %s", got, want)
	}
	img := rep.Images[0]
	for _, l := range img.Layers {
		p, ok := pushed[l.Digest]
		if !ok || p.State != publish.BlobDone || p.Sent != l.Size || p.Target != host+"/hello:latest" {
			t.Errorf("final push progress of layer %s = %+v, want done, %d B sent to %s/hello:latest", l.Digest, p, l.Size, host)
		}
	}
	if len(pushed) != len(img.Layers) {
		t.Errorf("push progress for %d blobs, want the %d layers", len(pushed), len(img.Layers))
	}
	// The typed results carry what the summaries' sizes come from.
	read, _ := img.Stages[1].Result.(*ReadResult)
	opt, _ := img.Stages[2].Result.(*OptimizeResult)
	pkg, _ := img.Stages[3].Result.(*PackageResult)
	switch {
	case read == nil || read.GoVersion != img.Binary.GoVersion || len(read.Top) == 0 || read.Top[0] != img.Binary.TopPackages[0]:
		t.Errorf("read result = %+v", read)
	case opt == nil || opt.Strip == nil || opt.Strip.Before != img.Binary.SizeBefore || opt.Strip.After != img.Binary.SizeAfter || opt.Pack != nil:
		t.Errorf("optimize result = %+v", opt)
	case pkg == nil || pkg.On != "scratch" || pkg.Compression != "gzip" || len(pkg.Layers) != len(img.Layers) || pkg.SBOM == nil:
		t.Errorf("package result = %+v", pkg)
	}
	for _, s := range append(img.Stages, rep.Ship) {
		if strings.ContainsAny(s.Summary, "\x1b") || strings.Contains(s.Summary, " kB") || strings.Contains(s.Summary, " MB") {
			t.Errorf("the library wrote a size or an escape in the %s summary: %q", s.Name, s.Summary)
		}
	}
}
