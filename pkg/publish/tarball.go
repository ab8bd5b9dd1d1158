package publish

import (
	"archive/tar"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/leve-build/leve/internal/atomicfile"
)

// Tarball writes one image into a single tar file holding an OCI image
// layout plus Docker's manifest.json, so that "docker load" (20.10 and
// newer), skopeo's "oci-archive:" and "docker-archive:" all read it. The
// file is replaced atomically; its bytes depend only on the image and ref.
// Its directory must exist: leve does not create it.
type Tarball struct {
	Path string
}

var _ Stager = Tarball{}

// Publish writes art tagged ref to the tarball file. Of an index, it
// writes the host platform's image and says so in the Note. The file's
// directory must exist.
func (t Tarball) Publish(ctx context.Context, art Artifact, ref Ref) (Published, error) {
	s, err := t.Stage(ctx, art, ref)
	if err != nil {
		return Published{}, err
	}
	return s.Commit(ctx)
}

// Stage writes the whole tarball to a temporary file next to its
// destination, which stays as it was until Commit renames the file over it.
func (t Tarball) Stage(ctx context.Context, art Artifact, ref Ref) (Staged, error) {
	if err := atomicfile.CheckDir(t.Path); err != nil {
		return nil, fmt.Errorf("writing tarball %s: %w", t.Path, err)
	}
	if fi, err := os.Stat(t.Path); err == nil && fi.IsDir() {
		return nil, fmt.Errorf("writing tarball %s: it is a directory; name a file, e.g. %s", t.Path, filepath.Join(t.Path, ref.Name+".tar"))
	}
	files, desc, note, err := archiveFiles(art, ref)
	if err != nil {
		return nil, fmt.Errorf("writing tarball %s: %w", t.Path, err)
	}
	if note != "" {
		note = "tarball " + t.Path + ": " + note
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	p, err := atomicfile.Stage(t.Path, 0o644, func(w io.Writer) error { return writeTar(ctxWriter{ctx, w}, files) })
	if err != nil {
		return nil, err
	}
	return &stagedTarball{p: p, pub: Published{Kind: "tarball", Location: t.Path, Digest: desc.Digest, Note: note}}, nil
}

type stagedTarball struct {
	p   *atomicfile.Pending
	pub Published
}

// Commit renames the staged file into place; it does not look at ctx, as
// a rename is quick and the run has decided to keep its outputs.
func (s *stagedTarball) Commit(context.Context) (Published, error) {
	if err := s.p.Commit(); err != nil {
		return Published{}, err
	}
	return s.pub, nil
}

func (s *stagedTarball) Abort() { s.p.Abort() }

// archiveFiles returns the files of a single-image archive of art: an OCI
// layout plus Docker's manifest.json, with gzip layers (zstd ones are
// recompressed). Of an index it keeps the host platform's image, and note
// says so.
func archiveFiles(art Artifact, ref Ref) (files map[string]blob, desc v1.Descriptor, note string, err error) {
	img, note, err := hostImage(art)
	if err != nil {
		return nil, desc, "", err
	}
	if img, err = withGzipLayers(img); err != nil {
		return nil, desc, "", err
	}
	desc, blobs, err := imageBlobs(img)
	if err != nil {
		return nil, desc, "", err
	}
	idx, err := indexJSON([]v1.Descriptor{tagged(desc, ref)})
	if err != nil {
		return nil, desc, "", err
	}
	dm, err := dockerManifestJSON(img, ref)
	if err != nil {
		return nil, desc, "", err
	}
	files = map[string]blob{
		"oci-layout":    fileBlob([]byte(ociLayoutFileContent)),
		"index.json":    fileBlob(idx),
		"manifest.json": fileBlob(dm),
	}
	for _, b := range blobs {
		files[blobPath(b.digest)] = b
	}
	return files, desc, note, nil
}

// writeTar writes files, with their parent directories, in sorted order
// with fixed times and owners.
func writeTar(w io.Writer, files map[string]blob) error {
	names := make([]string, 0, len(files))
	for n := range files {
		names = append(names, n)
	}
	sort.Strings(names)
	tw := tar.NewWriter(w)
	dirs := map[string]bool{}
	epoch := time.Unix(0, 0)
	for _, n := range names {
		for _, d := range parents(n) {
			if dirs[d] {
				continue
			}
			dirs[d] = true
			if err := tw.WriteHeader(&tar.Header{Typeflag: tar.TypeDir, Name: d + "/", Mode: 0o755, ModTime: epoch, Format: tar.FormatUSTAR}); err != nil {
				return err
			}
		}
		b := files[n]
		if err := tw.WriteHeader(&tar.Header{Typeflag: tar.TypeReg, Name: n, Mode: 0o644, Size: b.size, ModTime: epoch, Format: tar.FormatUSTAR}); err != nil {
			return err
		}
		if err := b.copyTo(tw); err != nil {
			return err
		}
	}
	return tw.Close()
}

// fileBlob is a file of the archive that is not a blob, such as
// index.json: its digest is computed here so copyTo can check it.
func fileBlob(b []byte) blob {
	sum := sha256.Sum256(b)
	return bytesBlob(v1.Hash{Algorithm: "sha256", Hex: hex.EncodeToString(sum[:])}, b)
}

// parents returns the parent directories of a slash-separated path,
// outermost first: "blobs/sha256/x" gives "blobs", "blobs/sha256".
func parents(p string) []string {
	var out []string
	for i := 0; i < len(p); i++ {
		if p[i] == '/' {
			out = append(out, p[:i])
		}
	}
	return out
}
