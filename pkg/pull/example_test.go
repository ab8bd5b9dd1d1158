package pull_test

import (
	"context"
	"errors"
	"fmt"

	"github.com/leve-build/leve/pkg/pull"
	"github.com/leve-build/leve/pkg/regopts"
)

// ExampleOpen opens a base image from an OCI layout, picks its
// linux/amd64 image and checks every layer before building on it.
func ExampleOpen() {
	ctx := context.Background()
	src, err := pull.Open(ctx, "oci:./base:latest", pull.Options{Role: "base", Registry: regopts.Options{CAFiles: []string{"ca.pem"}}})
	if err != nil {
		fmt.Println(err)
		return
	}
	img, err := src.Image("linux", "amd64", "")
	if err != nil {
		fmt.Println(err)
		return
	}
	if err := pull.Check(ctx, img); errors.Is(err, pull.ErrDamaged) {
		fmt.Println("damaged:", err)
	}
}

// ExampleLayers opens an image saved by docker save (any of its formats)
// and prints, per layer, its pull size, marked when it is an estimate.
func ExampleLayers() {
	ctx := context.Background()
	src, err := pull.Open(ctx, "docker-archive:app.tar", pull.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer src.Close()
	img, err := src.Image("linux", "amd64", "")
	if err != nil {
		fmt.Println(err)
		return
	}
	layers, err := pull.Layers(ctx, img)
	if err != nil {
		fmt.Println(err)
		return
	}
	for i, l := range layers {
		mark := ""
		if l.Estimated {
			mark = " (estimated)"
		}
		fmt.Printf("layer %d: %d bytes, %d to pull%s, by %s\n", i+1, l.Size, l.CompressedSize, mark, l.CreatedBy)
	}
}
