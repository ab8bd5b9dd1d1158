package bench

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// layerFile is one regular file of a layer tar.
type layerFile struct {
	name string
	data []byte
}

// layerTar returns an uncompressed layer holding dir (0755) and files (0755,
// root), as a Dockerfile COPY of executables into dir makes it.
func layerTar(b *testing.B, dir string, files ...layerFile) []byte {
	b.Helper()
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	mtime := time.Unix(0, 0)
	hdrs := []*tar.Header{{Typeflag: tar.TypeDir, Name: dir + "/", Mode: 0o755, ModTime: mtime}}
	for _, f := range files {
		hdrs = append(hdrs, &tar.Header{Typeflag: tar.TypeReg, Name: dir + "/" + f.name, Mode: 0o755, Size: int64(len(f.data)), ModTime: mtime})
	}
	for i, h := range hdrs {
		if err := tw.WriteHeader(h); err != nil {
			b.Fatal(err)
		}
		if i > 0 {
			if _, err := tw.Write(files[i-1].data); err != nil {
				b.Fatal(err)
			}
		}
	}
	if err := tw.Close(); err != nil {
		b.Fatal(err)
	}
	return buf.Bytes()
}

// gzipSize is the size of data compressed at gzip's default level, which is
// what "docker push" sends for a layer.
func gzipSize(b *testing.B, data []byte) int64 {
	b.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	if _, err := zw.Write(data); err != nil {
		b.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		b.Fatal(err)
	}
	return int64(buf.Len())
}

// writeFile writes data to path, failing the benchmark on error.
func writeFile(b *testing.B, path string, data []byte) {
	b.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		b.Fatal(err)
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		b.Fatal(err)
	}
}

// readFile reads path, failing the benchmark on error.
func readFile(b *testing.B, path string) []byte {
	b.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		b.Fatal(err)
	}
	return data
}

// scratchBase pushes a scratch-like linux/amd64 base image (one empty layer,
// OCI media types) to the registry at reg, as ko's offline recipe does, and
// returns its name.
func scratchBase(b *testing.B, crane, reg string) string {
	b.Helper()
	empty := filepath.Join(workDir, "empty.tar")
	writeFile(b, empty, make([]byte, 10240)) // what "tar -cf empty.tar -T /dev/null" writes
	mustRun(b, workDir, nil, crane, "append", "--oci-empty-base", "-f", empty, "-t", reg+"/base:tmp")
	mustRun(b, workDir, nil, crane, "mutate", "--set-platform", "linux/amd64", "-t", reg+"/base:latest", reg+"/base:tmp")
	return reg + "/base"
}
