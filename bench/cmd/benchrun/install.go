package main

import (
	"fmt"
	"os"
	"os/exec"
	"strings"
)

// ensureTools installs, with apt-get as root, the Debian packages of the
// tools ("COMMAND:PACKAGE") that are missing from PATH. Without root a
// missing tool is an error naming the packages.
func ensureTools(tools []string) error {
	var pkgs []string
	for _, t := range tools {
		cmd, pkg, _ := strings.Cut(t, ":")
		if _, err := exec.LookPath(cmd); err != nil {
			pkgs = append(pkgs, pkg)
		}
	}
	if len(pkgs) == 0 {
		return nil
	}
	if os.Geteuid() != 0 {
		return fmt.Errorf("missing Debian packages %s (install them, or run as root)", strings.Join(pkgs, " "))
	}
	fmt.Fprintf(os.Stderr, "bench/run: apt-get install %s\n", strings.Join(pkgs, " "))
	for _, args := range [][]string{{"update", "-qq"}, append([]string{"install", "-y", "-qq", "--no-install-recommends"}, pkgs...)} {
		cmd := exec.Command("apt-get", args...)
		cmd.Env = append(os.Environ(), "DEBIAN_FRONTEND=noninteractive")
		if out, err := cmd.CombinedOutput(); err != nil {
			return fmt.Errorf("apt-get %s: %v\n%s", strings.Join(args, " "), err, out)
		}
	}
	return nil
}
