package pack

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"
)

// result is what a run of a program shows to the outside.
type result struct {
	stdout, stderr string
	code           int
}

// command returns a command running the linux/arch executable path with
// argv[0] set to argv0: natively for the host's architecture, under
// qemu-aarch64-static for arm64 on another host.
func command(t testing.TB, arch, path, argv0 string, args ...string) *exec.Cmd {
	t.Helper()
	if arch == runtime.GOARCH {
		cmd := exec.Command(path, args...)
		cmd.Args[0] = argv0
		return cmd
	}
	if arch != "arm64" {
		t.Skipf("skipping: cannot run linux/%s executables on %s", arch, runtime.GOARCH)
	}
	qemu := needTool(t, "qemu-aarch64-static")
	return exec.Command(qemu, append([]string{"-0", argv0, path}, args...)...)
}

// run runs cmd with stdin and returns its result.
func run(t testing.TB, cmd *exec.Cmd, stdin string) result {
	t.Helper()
	var out, errb bytes.Buffer
	cmd.Stdin = strings.NewReader(stdin)
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatalf("running %v: %v", cmd.Args, err)
	}
	return result{out.String(), errb.String(), code}
}

// largeEnv returns an environment of n variables plus LEVE_PROBE.
func largeEnv(n int) []string {
	env := []string{"LEVE_PROBE=olá mundo", "PATH=" + os.Getenv("PATH")}
	for i := len(env); i < n; i++ {
		env = append(env, fmt.Sprintf("LEVE_VAR_%05d=%s", i, strings.Repeat("x", i%50)))
	}
	return env
}

func TestRunPackedLikeOriginal(t *testing.T) {
	for _, arch := range []string{"amd64", "arm64"} {
		t.Run(arch, func(t *testing.T) {
			hello := goBinary(t, "hello", helloSource, arch)
			probe := goBinary(t, "probe", probeSource, arch)
			for _, tc := range []struct {
				name, orig string
				best       bool
				args       []string
				env        []string
				stdin      string
			}{
				{name: "hello", orig: hello, best: true, stdin: "Maria\n"},
				{name: "hello no stdin", orig: hello, best: true},
				{name: "probe exit 0", orig: probe, args: []string{"0", "a b", ""}, stdin: "line 1\nline 2"},
				{name: "probe exit 7", orig: probe, args: []string{"7"}},
				{name: "probe 10000 env", orig: probe, args: []string{"42"}, env: largeEnv(10000), stdin: "x"},
			} {
				t.Run(tc.name, func(t *testing.T) {
					packed := packedFile(t, tc.orig, tc.best)
					c1 := command(t, arch, tc.orig, "/usr/bin/the-name", tc.args...)
					c2 := command(t, arch, packed, "/usr/bin/the-name", tc.args...)
					c1.Env, c2.Env = tc.env, tc.env
					want, got := run(t, c1, tc.stdin), run(t, c2, tc.stdin)
					if got != want {
						t.Errorf("packed run = %+v\nwant (original) %+v", got, want)
					}
				})
			}
		})
	}
}

func TestRunGoCommandPacked(t *testing.T) {
	if testing.Short() {
		t.Skip("skipping in -short mode: packs the 13–15 MB go command")
	}
	for _, arch := range []string{"amd64", "arm64"} {
		t.Run(arch, func(t *testing.T) {
			orig := filepath.Join(fixturesDir, "go-"+arch)
			if arch == runtime.GOARCH {
				// The toolchain's own go command, as installed.
				in, err := os.ReadFile(filepath.Join(runtime.GOROOT(), "bin", "go"))
				if err != nil {
					t.Skipf("skipping: no go command in GOROOT: %v", err)
				}
				if err := os.WriteFile(orig, in, 0o755); err != nil {
					t.Fatal(err)
				}
			} else {
				needTool(t, "qemu-aarch64-static")
				cmd := exec.Command("go", "build", "-trimpath", "-ldflags=-s -w", "-o", orig, "cmd/go")
				cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOOS=linux", "GOARCH="+arch)
				if out, err := cmd.CombinedOutput(); err != nil {
					t.Fatalf("go build cmd/go for %s: %v\n%s", arch, err, out)
				}
			}
			packed := packedFile(t, orig, false)
			env := append(os.Environ(), "GOROOT="+runtime.GOROOT())
			for _, args := range [][]string{{"version"}, {"env", "GOROOT", "GOARCH"}, {"nosuchcommand"}} {
				c1, c2 := command(t, arch, orig, "go", args...), command(t, arch, packed, "go", args...)
				c1.Env, c2.Env = env, env
				want, got := run(t, c1, ""), run(t, c2, "")
				if got != want {
					t.Errorf("packed go %v = %+v\nwant %+v", args, got, want)
				}
			}
		})
	}
}

func TestRunServerSIGTERM(t *testing.T) {
	for _, arch := range []string{"amd64", "arm64"} {
		t.Run(arch, func(t *testing.T) {
			server := goBinary(t, "server", serverSource, arch)
			want := serve(t, command(t, arch, server, "server"))
			got := serve(t, command(t, arch, packedFile(t, server, false), "server"))
			if got != want {
				t.Errorf("packed server: %q, want %q", got, want)
			}
		})
	}
}

// serve starts the server, GETs /leve from it, sends SIGTERM and returns
// the response, what it printed after the address and its exit status.
func serve(t *testing.T, cmd *exec.Cmd) string {
	t.Helper()
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	r := bufio.NewReader(stdout)
	addr, err := r.ReadString('\n')
	if err != nil {
		t.Fatalf("reading the server's address: %v", err)
	}
	client := http.Client{Timeout: 20 * time.Second}
	resp, err := client.Get("http://" + strings.TrimSpace(addr) + "/leve")
	if err != nil {
		t.Fatalf("GET: %v", err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	rest, _ := io.ReadAll(r)
	err = cmd.Wait()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	}
	return fmt.Sprintf("%d %s | %s | exit %d", resp.StatusCode, body, rest, code)
}

func TestRunCorruptExits126(t *testing.T) {
	for _, arch := range []string{"amd64", "arm64"} {
		t.Run(arch, func(t *testing.T) {
			packed, err := os.ReadFile(packedFile(t, goBinary(t, "hello", helloSource, arch), true))
			if err != nil {
				t.Fatal(err)
			}
			f, err := Open(bytes.NewReader(packed), int64(len(packed)))
			if err != nil {
				t.Fatal(err)
			}
			tr := f.Trailer
			for _, tc := range []struct {
				name, want string
				edit       func(b []byte) []byte
			}{
				{"payload byte", "corrupt payload", func(b []byte) []byte { b[tr.PayloadOff+tr.PayloadSize/2] ^= 0x40; return b }},
				{"payload start", "corrupt payload", func(b []byte) []byte { b[tr.PayloadOff] = 1; return b }},
				{"build info", "bad checksum", func(b []byte) []byte { b[tr.PayloadOff+tr.PayloadSize+20] ^= 1; return b }},
				{"trailer magic", "bad trailer", func(b []byte) []byte { b[len(b)-2] ^= 1; return b }},
				{"trailer payload size", "bad trailer", func(b []byte) []byte { b[len(b)-TrailerSize+16+5] = 0xff; return b }},
				{"trailer original size", "out of memory", func(b []byte) []byte { b[len(b)-TrailerSize+5] = 0xff; return b }},
				{"truncated tail", "bad trailer", func(b []byte) []byte { return b[:len(b)-100] }},
				{"truncated half", "truncated file", func(b []byte) []byte { return b[:len(b)/2] }},
			} {
				t.Run(tc.name, func(t *testing.T) {
					path := filepath.Join(t.TempDir(), "bad")
					if err := os.WriteFile(path, tc.edit(bytes.Clone(packed)), 0o755); err != nil {
						t.Fatal(err)
					}
					res := run(t, command(t, arch, path, path), "")
					lines := strings.Split(strings.TrimSuffix(res.stderr, "\n"), "\n")
					if res.code != 126 || len(lines) != 1 || !strings.Contains(res.stderr, tc.want) || res.stdout != "" {
						t.Errorf("corrupt packed file: %+v, want exit 126 and one line on stderr naming %q", res, tc.want)
					}
				})
			}
		})
	}
}

func TestGoVersionM(t *testing.T) {
	goCmd := filepath.Join(runtime.GOROOT(), "bin", "go")
	for _, arch := range []string{"amd64", "arm64"} {
		orig := goBinary(t, "hello", helloSource, arch)
		packed := packedFile(t, orig, true)
		want, err := exec.Command(goCmd, "version", "-m", orig).CombinedOutput()
		if err != nil {
			t.Fatalf("go version -m %s: %v\n%s", orig, err, want)
		}
		got, err := exec.Command(goCmd, "version", "-m", packed).CombinedOutput()
		if err != nil {
			t.Fatalf("go version -m %s: %v\n%s", packed, err, got)
		}
		if g, w := strings.Replace(string(got), packed, "FILE", 1), strings.Replace(string(want), orig, "FILE", 1); g != w {
			t.Errorf("go version -m packed =\n%s\nwant\n%s", g, w)
		}
	}
}

// TestRunOldFilterX86 checks that files packed with the x86 filter alone,
// as leve did before the AMD64 filter, still unpack and run.
func TestRunOldFilterX86(t *testing.T) {
	hello := goBinary(t, "hello", helloSource, "amd64")
	in, err := os.ReadFile(hello)
	if err != nil {
		t.Fatal(err)
	}
	packed, st, err := Pack(t.Context(), in, withFilterKind(FilterX86))
	if err != nil {
		t.Fatal(err)
	}
	if st.Filter != "x86" {
		t.Fatalf("Stats.Filter = %q, want x86", st.Filter)
	}
	if got, err := Unpack(packed); err != nil || !bytes.Equal(got, in) {
		t.Fatalf("Unpack() = %d bytes, %v; want the original", len(got), err)
	}
	path := filepath.Join(t.TempDir(), "hello.packed")
	if err := os.WriteFile(path, packed, 0o755); err != nil {
		t.Fatal(err)
	}
	want := run(t, command(t, "amd64", hello, "hello"), "Maria\n")
	got := run(t, command(t, "amd64", path, "hello"), "Maria\n")
	if got != want {
		t.Errorf("packed with the x86 filter: %+v, want %+v", got, want)
	}
}
