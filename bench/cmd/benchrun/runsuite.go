package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"time"

	"github.com/leve-build/leve/bench/benchrec"
)

// runSuite runs every step of s from root with extra added to the
// environment and returns the suite's run: the machine, date, commit, Go
// version, commands and the records they produced.
func runSuite(ctx context.Context, root string, s suite, extra []string) (*benchrec.Suite, error) {
	got := &benchrec.Suite{
		Machine: machine(),
		Date:    time.Now().UTC().Format(time.RFC3339),
		Commit:  commit(ctx, root),
		Go:      goVersion(ctx, root),
		Records: map[string]any{},
	}
	start := time.Now()
	for i, st := range s.steps {
		env := append(append([]string(nil), extra...), st.env...)
		args := st.args
		if st.cpus != "" {
			args = append([]string{"taskset", "-c", st.cpus}, args...)
		}
		got.Commands = append(got.Commands, display(env, args))
		fmt.Fprintf(os.Stderr, "bench/run: %s [%d/%d] %s\n", s.name, i+1, len(s.steps), display(env, args))
		recs, err := runStep(ctx, root, s.name, i, env, args)
		if err != nil {
			return nil, err
		}
		maps.Copy(got.Records, recs)
	}
	got.Seconds = float64(time.Since(start).Round(time.Second) / time.Second)
	var missing []string
	for _, k := range s.want {
		if _, ok := got.Records[k]; !ok {
			missing = append(missing, k)
		}
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("no record %s (a benchmark skipped or failed to report)", strings.Join(missing, ", "))
	}
	fmt.Fprintf(os.Stderr, "bench/run: %s took %s, %d records\n", s.name, time.Duration(got.Seconds)*time.Second, len(got.Records))
	return got, nil
}

// runStep runs one command with LEVE_BENCH_RESULTS set to a fresh file,
// its output going to a log file, and returns what it recorded and the
// metrics of the go test benchmarks it printed.
func runStep(ctx context.Context, root, name string, i int, env, args []string) (map[string]any, error) {
	tmp, err := os.MkdirTemp("", "leve-bench-"+name+"-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(tmp)
	recFile := filepath.Join(tmp, "records.jsonl")
	logPath := filepath.Join(os.TempDir(), fmt.Sprintf("leve-bench-%s-%d.log", name, i+1))
	logFile, err := os.Create(logPath)
	if err != nil {
		return nil, err
	}
	defer logFile.Close()
	var stdout bytes.Buffer
	cmd := exec.CommandContext(ctx, args[0], args[1:]...)
	cmd.Dir = root
	cmd.Env = append(append(os.Environ(), env...), benchrec.EnvFile+"="+recFile)
	cmd.Stdout = io.MultiWriter(&stdout, logFile)
	cmd.Stderr = logFile
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGINT) }
	cmd.WaitDelay = 30 * time.Second
	start := time.Now()
	err = cmd.Run()
	fmt.Fprintf(os.Stderr, "bench/run: %s [%d] finished in %s (log %s)\n", name, i+1, time.Since(start).Round(time.Second), logPath)
	if err != nil {
		return nil, fmt.Errorf("%s: %w; last lines of %s:\n%s", strings.Join(args, " "), err, logPath, tail(logPath, 30))
	}
	recs, err := benchrec.ReadLines(recFile)
	if err != nil {
		return nil, err
	}
	maps.Copy(recs, benchrec.ParseGoBench(stdout.Bytes()))
	return recs, nil
}

// tail returns the last n lines of the file at path.
func tail(path string, n int) string {
	data, _ := os.ReadFile(path)
	lines := strings.Split(strings.TrimRight(string(data), "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

// display is the command as a shell line: env assignments, then args,
// quoted where the shell needs it.
func display(env, args []string) string {
	var parts []string
	e := append([]string(nil), env...)
	sort.Strings(e)
	parts = append(parts, e...)
	for _, a := range args {
		parts = append(parts, shellQuote(a))
	}
	return strings.Join(parts, " ")
}

// shellQuote quotes s in single quotes unless it is made of safe
// characters only.
func shellQuote(s string) string {
	if s != "" && strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./=,:") == "" {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
