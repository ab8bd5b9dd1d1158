// Command reflectmethod calls reflect.Value.Method with an index known only
// at run time: the linker keeps every exported method of every reachable
// type. timenow is the same program without the reflect call.
package main

import (
	"fmt"
	"os"
	"reflect"
	"time"
)

func main() {
	fmt.Println(time.Now())
	reflect.ValueOf(time.Now()).Method(len(os.Args))
}
