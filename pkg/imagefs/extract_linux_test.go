package imagefs

import (
	"archive/tar"
	"bytes"
	"context"
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/google/go-cmp/cmp"
	v1 "github.com/google/go-containerregistry/pkg/v1"
)

func TestExtractXattrs(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("security.capability needs root")
	}
	ctx := context.Background()
	// cap_net_bind_service, permitted and effective (vfs_cap_data revision 2).
	capb := string([]byte{1, 0, 0, 2, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0})
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	must := func(err error) {
		if err != nil {
			t.Fatal(err)
		}
	}
	must(tw.WriteHeader(&tar.Header{Name: "ping", Typeflag: tar.TypeReg, Mode: 0o755, Size: 4, Format: tar.FormatPAX,
		PAXRecords: map[string]string{"SCHILY.xattr.security.capability": capb, "SCHILY.xattr.user.origin": "debian"}}))
	_, err := tw.Write([]byte("ping"))
	must(err)
	must(tw.Close())
	f, err := ReadLayers(ctx, []v1.Layer{bytesLayer{b: buf.Bytes()}})
	must(err)
	e, err := f.Stat("ping")
	must(err)
	if d := cmp.Diff(map[string]string{"security.capability": capb, "user.origin": "debian"}, e.Xattrs); d != "" {
		t.Errorf("Xattrs (-want +got):\n%s", d)
	}
	get := func(p, name string) string {
		b := make([]byte, 64)
		n, err := syscall.Getxattr(p, name, b)
		if err != nil {
			return ""
		}
		return string(b[:n])
	}
	root := t.TempDir()
	rep, err := f.Extract(ctx, root)
	must(err)
	if d := cmp.Diff([]string{"capability ping"}, kinds(rep.Findings)); d != "" {
		t.Errorf("findings (-want +got):\n%s", d)
	}
	p := filepath.Join(root, "ping")
	if get(p, "user.origin") != "debian" || get(p, "security.capability") != "" {
		t.Errorf("xattrs after a default extraction: user.origin %q, capability %x; want debian and none", get(p, "user.origin"), get(p, "security.capability"))
	}
	root = t.TempDir()
	rep, err = f.Extract(ctx, root, WithSetuid(true))
	must(err)
	p = filepath.Join(root, "ping")
	if len(rep.Findings) != 0 || get(p, "security.capability") != capb {
		t.Errorf("WithSetuid: findings %v, capability %x; want none and %x", rep.Findings, get(p, "security.capability"), capb)
	}
}
