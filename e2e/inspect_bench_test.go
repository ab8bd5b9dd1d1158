package e2e

import (
	"archive/tar"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestInspectBenchmark measures leve inspect against dive --ci on a docker
// save archive of more than 1 GB of layers: a Go toolchain tree stored,
// overwritten, partly deleted and stored four times more elsewhere. It takes
// minutes of CPU, so it runs only with LEVE_BENCH_INSPECT=1; docs/benchmarks.md
// holds its figures.
func TestInspectBenchmark(t *testing.T) {
	if os.Getenv("LEVE_BENCH_INSPECT") != "1" {
		t.Skip("a benchmark: set LEVE_BENCH_INSPECT=1")
	}
	timeBin := needTool(t, "time")
	toolchain := goToolchainDir(t)
	gobin := t.TempDir()
	mustRun(t, "", "", []string{"GOBIN=" + gobin, "CGO_ENABLED=0"}, needTool(t, "go"), "install", "github.com/wagoodman/dive@v0.13.1")
	archive := filepath.Join(t.TempDir(), "big.tar")
	total := writeBigArchive(t, archive, toolchain)
	t.Logf("archive: %d layer bytes", total)
	benchRecord(t, "archive-B", total)
	if total < 1<<30 {
		t.Fatalf("only %d layer bytes, want ≥ 1 GiB", total)
	}
	measure := func(name string, args ...string) (time.Duration, int64) {
		start := time.Now()
		r := runCmd(t, t.TempDir(), "", []string{"CI=true"}, timeBin, append([]string{"-v"}, args...)...)
		d := time.Since(start)
		m := regexp.MustCompile(`Maximum resident set size \(kbytes\): (\d+)`).FindStringSubmatch(r.stderr)
		if r.code != 0 && name == "leve" || m == nil {
			t.Fatalf("%s: %s", name, r)
		}
		if name == "dive" && !strings.Contains(r.stdout, "efficiency:") {
			t.Fatalf("dive did not analyse the image: %s", r)
		}
		var verdict []string
		for _, line := range strings.Split(stripANSI(r.stdout), "\n") {
			if strings.Contains(line, "efficiency") || strings.Contains(line, "wasted") || strings.Contains(line, "waste:") {
				t.Logf("%s: %s", name, strings.TrimSpace(line))
				verdict = append(verdict, strings.TrimSpace(line))
			}
		}
		kb, _ := strconv.ParseInt(m[1], 10, 64)
		t.Logf("%s: %v wall, %d MiB peak RSS", name, d.Round(10*time.Millisecond), kb/1024)
		benchRecord(t, name+"-s", d.Seconds())
		benchRecord(t, name+"-MiB", float64(kb)/1024)
		benchRecord(t, name+"-verdict", strings.Join(verdict, "; "))
		return d, kb
	}
	lt, lm := measure("leve", leve(t), "inspect", "--no-slim", "docker-archive:"+archive)
	dt, dm := measure("dive", filepath.Join(gobin, "dive"), "--source", "docker-archive", archive, "--ci")
	t.Logf("leve/dive: time %.2f, peak RSS %.2f", float64(lt)/float64(dt), float64(lm)/float64(dm))
}

// ansiEscape matches a terminal control sequence (CSI), such as the
// colours dive prints around its verdicts even when not on a terminal.
var ansiEscape = regexp.MustCompile(`\x1b\[[0-9;?]*[ -/]*[@-~]`)

// stripANSI removes terminal control sequences from s.
func stripANSI(s string) string { return ansiEscape.ReplaceAllString(s, "") }

// writeBigArchive writes a legacy docker save archive whose layers are the
// toolchain at /usr/local/go, the same again (all overwritten), a layer
// deleting /usr/local/go/src, and the toolchain at /opt/a, /opt/b, /opt/a
// again and /opt/c. It
// returns the layers' total size.
func writeBigArchive(t *testing.T, archive, toolchain string) int64 {
	t.Helper()
	dir := t.TempDir()
	type layer struct {
		file, diffID, cmd string
		size              int64
	}
	var layers []layer
	add := func(cmd string, fill func(tw *tar.Writer) error) {
		name := filepath.Join(dir, fmt.Sprintf("l%d.tar", len(layers)))
		f, err := os.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		h := sha256.New()
		cw := &countWriter{w: io.MultiWriter(f, h)}
		tw := tar.NewWriter(cw)
		if err := fill(tw); err != nil {
			t.Fatal(err)
		}
		if err := tw.Close(); err != nil {
			t.Fatal(err)
		}
		if err := f.Close(); err != nil {
			t.Fatal(err)
		}
		layers = append(layers, layer{name, "sha256:" + hex.EncodeToString(h.Sum(nil)), cmd, cw.n})
	}
	tree := func(prefix string) func(tw *tar.Writer) error {
		return func(tw *tar.Writer) error {
			return filepath.WalkDir(toolchain, func(p string, d fs.DirEntry, err error) error {
				if err != nil {
					return err
				}
				rel, _ := filepath.Rel(toolchain, p)
				info, err := d.Info()
				if err != nil {
					return err
				}
				link := ""
				if info.Mode()&fs.ModeSymlink != 0 {
					if link, err = os.Readlink(p); err != nil {
						return err
					}
				}
				hdr, err := tar.FileInfoHeader(info, link)
				if err != nil {
					return err
				}
				hdr.Name = filepath.ToSlash(filepath.Join(prefix, rel))
				hdr.Mode |= 0o200
				hdr.ModTime, hdr.Uname, hdr.Gname = time.Unix(0, 0), "", ""
				if d.IsDir() {
					hdr.Name += "/"
				}
				if err := tw.WriteHeader(hdr); err != nil {
					return err
				}
				if info.Mode().IsRegular() {
					f, err := os.Open(p)
					if err != nil {
						return err
					}
					defer f.Close()
					_, err = io.Copy(tw, f)
					return err
				}
				return nil
			})
		}
	}
	add("COPY go /usr/local/go", tree("usr/local/go"))
	add("COPY go /usr/local/go", tree("usr/local/go"))
	add("RUN rm -rf /usr/local/go/src", func(tw *tar.Writer) error {
		return tw.WriteHeader(&tar.Header{Name: "usr/local/go/.wh.src", Typeflag: tar.TypeReg, Mode: 0o644})
	})
	add("COPY go /opt/a", tree("opt/a"))
	add("COPY go /opt/b", tree("opt/b"))
	add("COPY go /opt/a", tree("opt/a"))
	add("COPY go /opt/c", tree("opt/c"))

	cfg := map[string]any{"architecture": "amd64", "os": "linux", "config": map[string]any{"Cmd": []string{"/usr/local/go/bin/go", "version"}},
		"rootfs": map[string]any{"type": "layers", "diff_ids": []string{}}, "history": []map[string]string{}}
	var manifestLayers []string
	var total int64
	for i, l := range layers {
		cfg["rootfs"].(map[string]any)["diff_ids"] = append(cfg["rootfs"].(map[string]any)["diff_ids"].([]string), l.diffID)
		cfg["history"] = append(cfg["history"].([]map[string]string), map[string]string{"created_by": "/bin/sh -c " + l.cmd})
		manifestLayers = append(manifestLayers, fmt.Sprintf("%d/layer.tar", i))
		total += l.size
	}
	cb, _ := json.Marshal(cfg)
	mb, _ := json.Marshal([]map[string]any{{"Config": "config.json", "RepoTags": []string{"big:1"}, "Layers": manifestLayers}})
	out, err := os.Create(archive)
	if err != nil {
		t.Fatal(err)
	}
	tw := tar.NewWriter(out)
	put := func(name string, b []byte) {
		if err := tw.WriteHeader(&tar.Header{Name: name, Mode: 0o644, Size: int64(len(b)), Typeflag: tar.TypeReg}); err != nil {
			t.Fatal(err)
		}
		tw.Write(b)
	}
	put("config.json", cb)
	put("manifest.json", mb)
	for i, l := range layers {
		f, err := os.Open(l.file)
		if err != nil {
			t.Fatal(err)
		}
		if err := tw.WriteHeader(&tar.Header{Name: fmt.Sprintf("%d/layer.tar", i), Mode: 0o644, Size: l.size, Typeflag: tar.TypeReg}); err != nil {
			t.Fatal(err)
		}
		if _, err := io.Copy(tw, f); err != nil {
			t.Fatal(err)
		}
		f.Close()
		os.Remove(l.file)
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := out.Close(); err != nil {
		t.Fatal(err)
	}
	return total
}

type countWriter struct {
	w io.Writer
	n int64
}

func (c *countWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

func TestStripANSI(t *testing.T) {
	in := "  \x1b[1;7;31mFAIL\x1b[0m: lowestEfficiency: image efficiency is too low\n\x1b[32mPASS\x1b[0m"
	if got, want := stripANSI(in), "  FAIL: lowestEfficiency: image efficiency is too low\nPASS"; got != want {
		t.Errorf("stripANSI = %q, want %q", got, want)
	}
}
