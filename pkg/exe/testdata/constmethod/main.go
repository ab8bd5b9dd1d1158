// Command constmethod calls reflect.Value.MethodByName with a constant: the
// linker keeps only the methods of that name, and its method dead-code
// elimination stays on.
package main

import (
	"fmt"
	"reflect"
	"time"
)

func main() {
	m := reflect.ValueOf(time.Now()).MethodByName("String")
	fmt.Println(m.Call(nil)[0])
}
