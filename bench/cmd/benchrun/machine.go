package main

import (
	"context"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"

	"github.com/leve-build/leve/bench/benchrec"
)

// machine describes this computer now: CPUs, CPU model, kernel and
// one-minute load average.
func machine() benchrec.Machine {
	m := benchrec.Machine{CPUs: runtime.NumCPU(), CPU: "unknown", Kernel: "unknown"}
	if data, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, line := range strings.Split(string(data), "\n") {
			if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "model name" {
				m.CPU = strings.Join(strings.Fields(v), " ")
				break
			}
		}
	}
	if data, err := os.ReadFile("/proc/sys/kernel/osrelease"); err == nil {
		m.Kernel = strings.TrimSpace(string(data))
	}
	if data, err := os.ReadFile("/proc/loadavg"); err == nil {
		if f := strings.Fields(string(data)); len(f) > 0 {
			m.Load, _ = strconv.ParseFloat(f[0], 64)
		}
	}
	return m
}

// commit is the short hash of HEAD in root, with "+dirty" when tracked
// files differ from it, or "unknown".
func commit(ctx context.Context, root string) string {
	out, err := exec.CommandContext(ctx, "git", "-C", root, "rev-parse", "--short=7", "HEAD").Output()
	if err != nil {
		return "unknown"
	}
	c := strings.TrimSpace(string(out))
	if err := exec.CommandContext(ctx, "git", "-C", root, "diff", "--quiet", "HEAD", "--", ".", ":!bench/results.json", ":!docs/benchmarks.md", ":!docs/bench.svg", ":!README.md", ":!docs/slim.md", ":!bench/*.tmpl", ":!bench/render", ":!bench/cmd").Run(); err != nil {
		c += "+dirty"
	}
	return c
}

// goVersion is the version of the go command on PATH ("go1.26.8").
func goVersion(ctx context.Context, root string) string {
	cmd := exec.CommandContext(ctx, "go", "env", "GOVERSION")
	cmd.Dir = root
	out, err := cmd.Output()
	if err != nil {
		return "unknown"
	}
	return strings.TrimSpace(string(out))
}
