// Command benchrun is leve's benchmark harness (run it as bench/run): it
// runs the benchmark suites, records their figures with the machine, date,
// commit and commands in bench/results.json, and renders from that file
// docs/benchmarks.md, the README's figure blocks and docs/bench.svg, so that
// every published number comes from the last run.
//
//	bench/run                      # every suite, then render
//	bench/run --suite pull,cold    # those suites, merged into the results file
//	bench/run --render             # render only
//	bench/run --quick [--out DIR]  # one quick round of hello into DIR; no tracked file changes
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/leve-build/leve/bench/benchrec"
	"github.com/leve-build/leve/bench/render"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "bench/run:", err)
		os.Exit(1)
	}
}

// options are the command-line flags.
type options struct {
	suites  string
	render  bool
	quick   bool
	out     string
	list    bool
	keep    bool
	install bool
}

func run(ctx context.Context, args []string) error {
	var o options
	fs := flag.NewFlagSet("bench/run", flag.ContinueOnError)
	fs.StringVar(&o.suites, "suite", "", "run only these suites (comma-separated) and merge them into the results file")
	fs.BoolVar(&o.render, "render", false, "only render the docs from the results file")
	fs.BoolVar(&o.quick, "quick", false, "one quick round of the hello suite, written to --out (or a temporary directory); tracked files are left alone")
	fs.StringVar(&o.out, "out", "", "with --quick: the directory to write the results and rendered files to")
	fs.BoolVar(&o.list, "list", false, "list the suites and exit")
	fs.BoolVar(&o.keep, "keep-going", true, "run the remaining suites when one fails")
	fs.BoolVar(&o.install, "install", true, "install missing Debian packages with apt-get (as root)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	root, err := repoRoot()
	if err != nil {
		return err
	}
	if o.list {
		for _, s := range suites {
			fmt.Printf("%-10s %s\n", s.name, s.about)
		}
		return nil
	}
	if o.out != "" && !o.quick {
		return errors.New("--out goes with --quick")
	}
	resultsPath := filepath.Join(root, "bench", "results.json")
	switch {
	case o.render:
		res, err := benchrec.ReadResults(resultsPath)
		if err != nil {
			return err
		}
		return writeRendered(root, root, res)
	case o.quick:
		return runQuick(ctx, root, resultsPath, o)
	}
	chosen, err := pick(o.suites)
	if err != nil {
		return err
	}
	start := time.Now()
	var failed, summary []string
	for _, s := range chosen {
		t0 := time.Now()
		err := runAndSave(ctx, root, resultsPath, s, o.install)
		status := "ok"
		if err != nil {
			fmt.Fprintf(os.Stderr, "bench/run: suite %s: %v\n", s.name, err)
			failed, status = append(failed, s.name), "FAILED"
		}
		summary = append(summary, fmt.Sprintf("  %-10s %-7s %s", s.name, status, time.Since(t0).Round(time.Second)))
		if err != nil && (!o.keep || ctx.Err() != nil) {
			break
		}
	}
	fmt.Fprintf(os.Stderr, "bench/run: suites done in %s:\n%s\n", time.Since(start).Round(time.Second), strings.Join(summary, "\n"))
	res, err := benchrec.ReadResults(resultsPath)
	if err != nil {
		return err
	}
	if err := writeRendered(root, root, res); err != nil {
		return err
	}
	if len(failed) > 0 {
		return fmt.Errorf("suites failed: %s (their earlier results, if any, were kept)", strings.Join(failed, ", "))
	}
	return nil
}

// pick returns the suites named in list (comma-separated), or all of them.
func pick(list string) ([]suite, error) {
	if list == "" {
		return suites, nil
	}
	var out []suite
	for _, name := range strings.Split(list, ",") {
		name = strings.TrimSpace(name)
		found := false
		for _, s := range suites {
			if s.name == name {
				out, found = append(out, s), true
			}
		}
		if !found {
			return nil, fmt.Errorf("no suite %q (bench/run --list shows them)", name)
		}
	}
	return out, nil
}

// runAndSave runs s and merges its run into the results file at once, so
// that an interrupted full run keeps the suites it finished.
func runAndSave(ctx context.Context, root, resultsPath string, s suite, install bool) error {
	res, err := runMerged(ctx, root, resultsPath, s, install)
	if err != nil {
		return err
	}
	return writeResults(resultsPath, res)
}

// runMerged installs what s needs (when install is set), runs s and
// returns the results file's contents with s's run in place of its last.
func runMerged(ctx context.Context, root, resultsPath string, s suite, install bool) (*benchrec.Results, error) {
	if install {
		if err := ensureTools(s.tools); err != nil {
			return nil, err
		}
	}
	got, err := runSuite(ctx, root, s, nil)
	if err != nil {
		return nil, err
	}
	res, err := benchrec.ReadResults(resultsPath)
	if err != nil {
		return nil, err
	}
	res.Suites[s.name] = got
	return res, nil
}

// runQuick runs the quick hello suite and renders into the output
// directory, over a copy of the committed results.
func runQuick(ctx context.Context, root, resultsPath string, o options) error {
	out := o.out
	if out == "" {
		var err error
		if out, err = os.MkdirTemp("", "leve-bench-quick-"); err != nil {
			return err
		}
	}
	out, err := filepath.Abs(out)
	if err != nil {
		return err
	}
	if strings.HasPrefix(out+"/", root+"/") {
		return fmt.Errorf("--out %s is inside the repository; --quick writes no tracked file", out)
	}
	res, err := runMerged(ctx, root, resultsPath, quickSuite, o.install)
	if err != nil {
		return err
	}
	if err := writeResults(filepath.Join(out, "bench", "results.json"), res); err != nil {
		return err
	}
	if err := writeRendered(root, out, res); err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "bench/run: quick results and rendered files in %s\n", out)
	return nil
}

// writeResults writes res to path atomically.
func writeResults(path string, res *benchrec.Results) error {
	data, err := res.Marshal()
	if err != nil {
		return err
	}
	return writeAtomic(path, data)
}

// writeRendered renders the documents from res, reading the templates and
// the README from root, and writes them under out.
func writeRendered(root, out string, res *benchrec.Results) error {
	files, err := render.Files(root, res)
	if err != nil {
		return err
	}
	for _, f := range files {
		if err := writeAtomic(filepath.Join(out, f.Path), f.Data); err != nil {
			return err
		}
		fmt.Fprintf(os.Stderr, "bench/run: wrote %s\n", filepath.Join(out, f.Path))
	}
	return nil
}

// writeAtomic writes data to path through a temporary file and a rename.
func writeAtomic(path string, data []byte) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return err
	}
	_, err = tmp.Write(data)
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Chmod(tmp.Name(), 0o644)
	}
	if err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	if err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("writing %s: %w", path, err)
	}
	return nil
}

// repoRoot finds the repository root: the directory above bench/ holding
// go.mod, from the working directory up.
func repoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for d := dir; ; d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(d, "bench", "benchmarks.md.tmpl")); err == nil {
			return d, nil
		}
		if filepath.Dir(d) == d {
			return "", fmt.Errorf("no leve repository (bench/benchmarks.md.tmpl) at or above %s", dir)
		}
	}
}
