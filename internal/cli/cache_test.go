package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/leve-build/leve/pkg/cache"
)

// runCache runs leve with args and LEVE_CACHE=dir.
func runCache(t *testing.T, dir string, args ...string) (int, string, string) {
	t.Helper()
	t.Setenv("LEVE_CACHE", dir)
	var stdout, stderr bytes.Buffer
	code := Execute(context.Background(), args, strings.NewReader(""), &stdout, &stderr)
	return code, stdout.String(), stderr.String()
}

func TestCacheCommand(t *testing.T) {
	dir := t.TempDir()
	old := time.Now().Add(-10 * 24 * time.Hour)
	for p, size := range map[string]int{"bin/k1/app": 3000, "packed/p1": 200, "layers/sha256/l1.gzip": 100} {
		p = filepath.Join(dir, p)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, make([]byte, size), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Chtimes(filepath.Join(dir, "packed/p1"), old, old); err != nil {
		t.Fatal(err)
	}

	code, stdout, stderr := runCache(t, dir, "cache")
	if code != ExitOK {
		t.Fatalf("leve cache = %d: %s", code, stderr)
	}
	for _, want := range []string{"cache " + dir, "binaries", "3.00 kB", "1 entry", "packed", "200 B", "layers", "100 B", "total", "3.30 kB"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("leve cache output lacks %q:\n%s", want, stdout)
		}
	}
	code, stdout, _ = runCache(t, dir, "cache", "du", "--json")
	var u cache.Usage
	if err := json.Unmarshal([]byte(stdout), &u); code != ExitOK || err != nil || u.Bytes != 3300 || u.Dir != dir || len(u.Kinds) != len(cache.Kinds) {
		t.Fatalf("leve cache du --json = %d, %+v (%v):\n%s", code, u, err, stdout)
	}

	code, stdout, stderr = runCache(t, dir, "cache", "prune", "--older-than", "7d")
	if code != ExitOK || !strings.Contains(stdout, "removed 1 entry (200 B)") || !strings.Contains(stdout, "2 entries left (3.10 kB)") {
		t.Errorf("leve cache prune --older-than 7d = %d, %q, %q", code, stdout, stderr)
	}
	if _, err := os.Stat(filepath.Join(dir, "packed/p1")); err == nil {
		t.Error("packed/p1, unused for 10 days, is still there")
	}
	code, stdout, _ = runCache(t, dir, "cache", "prune", "--all", "--json")
	var res struct {
		Dir string `json:"dir"`
		cache.PruneResult
	}
	if err := json.Unmarshal([]byte(stdout), &res); code != ExitOK || err != nil || res.Removed != 2 || res.Freed != 3100 || res.Bytes != 0 || res.Dir != dir {
		t.Errorf("leve cache prune --all --json = %d, %+v (%v):\n%s", code, res, err, stdout)
	}

	code, stdout, _ = runCache(t, "", "cache")
	if code != ExitOK || !strings.Contains(stdout, "no cache") {
		t.Errorf("leve cache with LEVE_CACHE= = %d, %q; want a note that the cache is disabled", code, stdout)
	}
	code, stdout, _ = runCache(t, "", "cache", "prune", "--all", "--json")
	if code != ExitOK || strings.Join(strings.Fields(stdout), "") != `{"dir":"","disabled":true}` {
		t.Errorf("leve cache prune --all --json with LEVE_CACHE= = %d, %q; want {\"dir\": \"\", \"disabled\": true}", code, stdout)
	}
}

func TestCacheBadInput(t *testing.T) {
	for _, tc := range []struct {
		args    []string
		env     string
		wantErr string
	}{
		{args: []string{"cache", "prune", "--older-than", "soon"}, wantErr: "not a duration"},
		{args: []string{"cache", "prune", "--older-than", "-1h"}, wantErr: "not a duration"},
		{args: []string{"cache", "prune", "--all", "--older-than", "1h"}, wantErr: "contradict"},
		{args: []string{"cache", "nope"}, wantErr: "unknown command"},
		{args: []string{"build", "."}, env: "lots", wantErr: "LEVE_CACHE_MAX=lots"},
	} {
		t.Setenv("LEVE_CACHE_MAX", tc.env)
		code, stdout, stderr := runCache(t, t.TempDir(), tc.args...)
		if code != ExitUsage || !strings.Contains(stderr, tc.wantErr) || stdout != "" || strings.Count(strings.TrimSpace(stderr), "\n") != 0 {
			t.Errorf("leve %v (LEVE_CACHE_MAX=%q) = %d, stdout %q, stderr %q; want exit 2 and one line naming %q", tc.args, tc.env, code, stdout, stderr, tc.wantErr)
		}
	}
}

func TestParseSize(t *testing.T) {
	for in, want := range map[string]int64{"2GB": 2e9, "500MiB": 500 << 20, "1000": 1000, "1.5 MB": 1.5e6, "64k": 0, "10K": 1e4} {
		got, err := parseSize(in)
		if want == 0 {
			if err == nil {
				t.Errorf("parseSize(%q) = %d, want an error", in, got)
			}
			continue
		}
		if err != nil || got != want {
			t.Errorf("parseSize(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "0", "-1GB", "GB", "1e400"} {
		if n, err := parseSize(bad); err == nil {
			t.Errorf("parseSize(%q) = %d, want an error", bad, n)
		}
	}
}
