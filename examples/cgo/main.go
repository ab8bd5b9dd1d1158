// Command cgo needs C: it asks libc for the process's user id (getuid) and
// host name (gethostname), then looks the user up with os/user, which with
// cgo goes through glibc's getpwuid_r and its NSS modules. Build it with
// CGO_ENABLED=1 (leve build --cgo; on scratch add --libs=copy).
//
//	cgo                 # the current user
//	cgo -user nonroot   # a user by name
package main

/*
#include <unistd.h>
#include <stdlib.h>

static int host_name(char *buf, size_t n) { return gethostname(buf, n); }
*/
import "C"

import (
	"flag"
	"fmt"
	"os"
	"os/user"
	"strconv"
	"unsafe"
)

func main() {
	name := flag.String("user", "", "look up this user name instead of the current user")
	flag.Parse()
	if err := run(*name); err != nil {
		fmt.Fprintln(os.Stderr, "cgo:", err)
		os.Exit(1)
	}
}

// run prints libc's uid and host name and the looked-up user.
func run(name string) error {
	uid := int(C.getuid())
	host, err := hostName()
	if err != nil {
		return err
	}
	fmt.Printf("libc: getuid()=%d gethostname()=%q\n", uid, host)
	var u *user.User
	if name != "" {
		u, err = user.Lookup(name)
	} else {
		u, err = user.LookupId(strconv.Itoa(uid))
	}
	if err != nil {
		return err
	}
	fmt.Printf("user: %s uid=%s gid=%s home=%s\n", u.Username, u.Uid, u.Gid, u.HomeDir)
	return nil
}

// hostName calls libc's gethostname.
func hostName() (string, error) {
	buf := (*C.char)(C.malloc(256))
	defer C.free(unsafe.Pointer(buf))
	if rc := C.host_name(buf, 256); rc != 0 {
		return "", fmt.Errorf("gethostname failed")
	}
	return C.GoString(buf), nil
}
