package assemble

import (
	"debug/elf"
	"os"
	"strings"
	"testing"
)

func TestSharedLibraries(t *testing.T) {
	f, err := elf.Open("/bin/true")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal(err)
		}
		t.Skipf("no /bin/true to take libraries from: %v", err)
	}
	needed, _ := f.ImportedLibraries()
	interp := ""
	for _, p := range f.Progs {
		if p.Type == elf.PT_INTERP {
			b := make([]byte, p.Filesz)
			p.ReadAt(b, 0)
			interp = strings.TrimRight(string(b), "\x00")
		}
	}
	f.Close()
	rf, err := SharedLibraries(interp, needed, true)
	if err != nil {
		t.Fatal(err)
	}
	files := map[string]Entry{}
	for _, e := range rf.Entries {
		files[e.Path] = e
	}
	if _, ok := files[interp]; !ok {
		t.Errorf("no entry for the interpreter %s", interp)
	}
	var haveLibc, haveNSS bool
	for p, e := range files {
		if e.Target != "" {
			if _, ok := files[e.Target]; !ok {
				t.Errorf("%s links to %s, which is not copied", p, e.Target)
			}
			continue
		}
		haveLibc = haveLibc || strings.HasSuffix(p, "/libc.so.6") && len(e.Data) > 0
		haveNSS = haveNSS || strings.HasSuffix(p, "/libnss_files.so.2") && len(e.Data) > 0
	}
	if !haveLibc || !haveNSS || string(files[NSSwitchPath].Data) == "" {
		t.Errorf("copied %v; want libc, libnss_files and nsswitch.conf", len(files))
	}
	if _, err := SharedLibraries("", []string{"libdoesnotexist.so.9"}, false); err == nil || !strings.Contains(err.Error(), "libdoesnotexist.so.9") {
		t.Errorf("missing library: %v", err)
	}
}
