// Command exestat analyses Go executables with package exe and prints the
// attribution summary, the heaviest packages and the run-time needs. It
// exists to measure the analysis (time, peak RSS) on its own:
//
//	go build -o /tmp/exestat ./pkg/exe/internal/exestat
//	/usr/bin/time -v /tmp/exestat "$(go env GOROOT)/bin/go"
package main

import (
	"fmt"
	"os"

	"github.com/leve-build/leve/pkg/exe"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: exestat BINARY...")
		os.Exit(2)
	}
	code := 0
	for _, path := range os.Args[1:] {
		if err := stat(path); err != nil {
			fmt.Fprintln(os.Stderr, err)
			code = 1
		}
	}
	os.Exit(code)
}

func stat(path string) error {
	f, err := exe.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	r, err := f.Report()
	if err != nil {
		return err
	}
	c := r.Coverage
	fmt.Printf("%s: %s %s/%s, %s, stripped %v, static %v\n", path, r.GoVersion, r.GOOS, r.GOARCH, exe.FormatSize(r.Size), r.Strip.Stripped, r.Linking.Static)
	fmt.Printf("attributed %.1f%% (packages %s, modules %s), shared %s, metadata %s, unattributed %s\n",
		100*c.Attributed(), exe.FormatSize(c.Packages), exe.FormatSize(c.Modules), exe.FormatSize(c.Shared), exe.FormatSize(c.Metadata), exe.FormatSize(c.Unattributed))
	for i, p := range r.Packages {
		if i == 10 {
			break
		}
		fmt.Printf("  %-45s %10s  code %9s  pcln %9s  data %9s\n", p.Path, exe.FormatSize(p.Total), exe.FormatSize(p.Code), exe.FormatSize(p.Pcln), exe.FormatSize(p.Data))
	}
	for _, b := range r.Buckets {
		if b.Kind == "unattributed" {
			fmt.Printf("  unattributed: %s in %s\n", exe.FormatSize(b.Size), b.Name)
		}
	}
	for _, n := range r.Needs {
		fmt.Printf("  needs %s: %v\n", n.Kind, n.Evidence)
	}
	for _, s := range r.Suggestions {
		fmt.Printf("  suggest %s (saves %s): %s\n", s.Kind, exe.FormatSize(s.Saving), s.Detail)
	}
	return nil
}
