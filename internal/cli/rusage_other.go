//go:build !unix

package cli

// cpuTimes returns nothing where getrusage(2) is missing.
func cpuTimes() map[string]string { return nil }
