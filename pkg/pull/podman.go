package pull

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/leve-build/leve/internal/oneline"
)

// ErrNoPodman is wrapped by the error of a podman: source when podman is
// not installed.
var ErrNoPodman = errors.New("podman is not installed")

// openPodman saves the image name from podman's local storage with
// "podman image save --format oci-archive" to a temporary file, removed
// once open, and reads it as an OCI archive. podman runs with leve's
// environment (CONTAINERS_CONF, CONTAINERS_STORAGE_CONF).
func (s *Source) openPodman(ctx context.Context, image string) error {
	if image == "" {
		return fmt.Errorf("%s: no image name; use podman:NAME[:TAG]", s.name)
	}
	bin, err := exec.LookPath("podman")
	if err != nil {
		return fmt.Errorf("%s: %w (apt-get install podman); or save the image with podman save --format oci-archive and open it as oci-archive:FILE", s.name, ErrNoPodman)
	}
	dir, err := os.MkdirTemp("", "leve-podman-")
	if err != nil {
		return fmt.Errorf("%s: %w", s.name, err)
	}
	defer os.RemoveAll(dir)
	out := filepath.Join(dir, "image.tar")
	var stderr bytes.Buffer
	cmd := exec.CommandContext(ctx, bin, "image", "save", "--quiet", "--format", "oci-archive", "-o", out, image)
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		msg := strings.TrimSpace(stderr.String())
		if strings.Contains(msg, "image not known") || strings.Contains(msg, "no such image") {
			return fmt.Errorf("%s: podman has no image %s (%w); podman pull or podman load it first", s.name, image, ErrNotFound)
		}
		if msg == "" {
			msg = err.Error()
		}
		return fmt.Errorf("%s: podman image save: %s", s.name, oneline.First(msg))
	}
	f, err := os.Open(out)
	if err != nil {
		return fmt.Errorf("%s: %w", s.name, err)
	}
	return s.openArchiveFile(f, "", "oci-archive")
}
