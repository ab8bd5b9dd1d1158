package pull

import (
	"context"
	"io"

	v1 "github.com/google/go-containerregistry/pkg/v1"
)

// Check reads every layer of img, an image from a Source, to its end, so
// that a damaged blob is found before anything is built from it rather
// than when it is copied. It stops when ctx is done.
func Check(ctx context.Context, img v1.Image) error {
	layers, err := img.Layers()
	if err != nil {
		return err
	}
	for _, l := range layers {
		if err := checkLayer(ctx, l); err != nil {
			return err
		}
	}
	return nil
}

func checkLayer(ctx context.Context, l v1.Layer) error {
	open := l.Compressed
	if al, ok := l.(*archiveLayer); ok && !al.stored {
		// Its blob would be made here: only its content can be checked.
		open = l.Uncompressed
	}
	rc, err := open()
	if err != nil {
		return err
	}
	defer rc.Close()
	buf := make([]byte, 256<<10)
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		_, err := rc.Read(buf)
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err // it names the image and the blob
		}
	}
}
