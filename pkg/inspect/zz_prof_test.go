package inspect

import (
	"context"
	"os"
	"testing"

	"github.com/leve-build/leve/pkg/pull"
)

func TestZZProfile(t *testing.T) {
	p := os.Getenv("ZZ_BIG")
	if p == "" {
		t.Skip()
	}
	ctx := context.Background()
	src, err := pull.Open(ctx, "docker-archive:"+p, pull.Options{})
	if err != nil {
		t.Fatal(err)
	}
	r, err := Inspect(ctx, src, Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%+v %+v", r.Totals, r.Waste.DiskBytes)
	for _, l := range r.Layers {
		t.Logf("%+v", l)
	}
}
