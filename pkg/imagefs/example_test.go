package imagefs_test

import (
	"archive/tar"
	"bytes"
	"context"
	"fmt"
	"io"
	"log"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/tarball"

	"github.com/leve-build/leve/pkg/imagefs"
)

// layer makes an uncompressed layer holding one file.
func layer(name string, mode int64, body []byte) v1.Layer {
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	_ = tw.WriteHeader(&tar.Header{Name: name, Typeflag: tar.TypeReg, Mode: mode, Size: int64(len(body))})
	_, _ = tw.Write(body)
	_ = tw.Close()
	l, err := tarball.LayerFromOpener(func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(buf.Bytes())), nil })
	if err != nil {
		log.Fatal(err)
	}
	return l
}

// The seed's image: COPY app.go, then RUN chmod -R 755 stores it again.
func Example() {
	app := bytes.Repeat([]byte{0x7f}, 2_411_804)
	f, err := imagefs.ReadLayers(context.Background(), []v1.Layer{
		layer("app.go", 0o644, app),
		layer("app.go", 0o755, app),
	})
	if err != nil {
		log.Fatal(err)
	}
	for _, l := range f.Layers() {
		fmt.Printf("layer %d: %v, %d B wasted on disk\n", l.Index, l.Changes, l.WastedBytes)
	}
	w := f.Waste()
	fmt.Printf("disk waste %d B, top path %s, efficiency %.2f\n", w.DiskBytes, w.Paths[0].Path, w.Efficiency())
	e, _ := f.Stat("/app.go")
	fmt.Println(e.Mode)
	// Output:
	// layer 0: [{app.go added file}], 2411804 B wasted on disk
	// layer 1: [{app.go changed file}], 0 B wasted on disk
	// disk waste 2411804 B, top path app.go, efficiency 0.50
	// -rwxr-xr-x
}

// Resolving the ELF interpreter of a dynamic binary, a symlink chain,
// inside the image root.
func ExampleFS_Resolve() {
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for _, h := range []tar.Header{
		{Name: "lib/x86_64-linux-gnu/ld-2.31.so", Typeflag: tar.TypeReg, Mode: 0o755},
		{Name: "lib/x86_64-linux-gnu/ld-linux-x86-64.so.2", Typeflag: tar.TypeSymlink, Linkname: "ld-2.31.so"},
		{Name: "lib64/ld-linux-x86-64.so.2", Typeflag: tar.TypeSymlink, Linkname: "/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2"},
	} {
		_ = tw.WriteHeader(&h)
	}
	_ = tw.Close()
	l, err := tarball.LayerFromOpener(func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(buf.Bytes())), nil })
	if err != nil {
		log.Fatal(err)
	}
	f, err := imagefs.ReadLayers(context.Background(), []v1.Layer{l})
	if err != nil {
		log.Fatal(err)
	}
	p, err := f.Resolve("/lib64/ld-linux-x86-64.so.2")
	fmt.Println(p, err)
	// Output: lib/x86_64-linux-gnu/ld-2.31.so <nil>
}
