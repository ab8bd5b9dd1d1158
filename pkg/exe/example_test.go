package exe_test

import (
	"fmt"
	"log"
	"os"

	"github.com/leve-build/leve/pkg/exe"
)

// Example opens a Go executable and prints the heaviest packages and what
// the binary needs at run time.
func Example() {
	f, err := exe.Open(os.Args[0])
	if err != nil {
		log.Fatal(err)
	}
	defer f.Close()
	r, err := f.Report()
	if err != nil {
		log.Fatal(err)
	}
	for _, p := range r.Packages[:3] {
		fmt.Printf("%-30s %s\n", p.Path, exe.FormatSize(p.Total))
	}
	for _, n := range r.Needs {
		fmt.Println(n.Kind, n.Evidence)
	}
	fmt.Printf("attributed: %.0f%%\n", 100*r.Coverage.Attributed())
}
