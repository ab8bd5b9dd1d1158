// Command tmpl renders a text/template that calls a method of its data:
// text/template reaches reflect.Value.MethodByName with a name known only
// at run time, which turns off the linker's method dead-code elimination.
package main

import (
	"os"
	"text/template"
	"time"
)

func main() {
	t := template.Must(template.New("t").Parse("{{.Now.Year}}\n"))
	t.Execute(os.Stdout, struct{ Now time.Time }{time.Now()})
}
