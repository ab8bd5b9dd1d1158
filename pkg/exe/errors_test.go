package exe

import (
	"bytes"
	"errors"
	"os"
	"strings"
	"testing"
)

// readAll opens b with NewFile and analyses it, returning the first error.
func readAll(b []byte) (*Report, error) {
	f, err := NewFile(bytes.NewReader(b))
	if err != nil {
		return nil, err
	}
	return f.Report()
}

// TestBadInputs checks that malformed inputs give a clear error.
func TestBadInputs(t *testing.T) {
	hello, err := os.ReadFile(build(t, fixture{"hello", "amd64", true}))
	if err != nil {
		t.Fatal(err)
	}
	wrongArch := bytes.Clone(hello)
	wrongArch[18], wrongArch[19] = 21, 0 // e_machine = EM_PPC64
	noPclntab := bytes.Clone(hello)
	copy(noPclntab[bytes.Index(noPclntab, []byte("\xf1\xff\xff\xff\x00\x00")):], "\x00\x00\x00\x00")
	notGo, _ := os.ReadFile("/bin/true")

	tests := []struct {
		name   string
		in     []byte
		is     error
		format bool // a *FormatError is expected
	}{
		{"zero length", nil, ErrNotELF, false},
		{"text", []byte("hello, world\n"), ErrNotELF, false},
		{"ELF magic only", []byte("\x7fELF"), nil, true},
		{"truncated", hello[:len(hello)/2], nil, true},
		{"wrong architecture", wrongArch, ErrUnsupportedArch, false},
		{"no pclntab", noPclntab, ErrNoPclntab, false},
		{"non-Go ELF", notGo, ErrNotGo, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.in == nil && tt.name == "non-Go ELF" {
				t.Skip("no /bin/true")
			}
			_, err := readAll(tt.in)
			if err == nil {
				t.Fatalf("NewFile+Report(%s) = nil error, want one", tt.name)
			}
			if tt.is != nil && !errors.Is(err, tt.is) {
				t.Errorf("NewFile+Report(%s) = %v, want %v", tt.name, err, tt.is)
			}
			var fe *FormatError
			if tt.format && !errors.As(err, &fe) {
				t.Errorf("NewFile+Report(%s) = %v, want a *FormatError", tt.name, err)
			}
		})
	}
}

// TestOpenMissing checks that Open wraps the error with the operation.
func TestOpenMissing(t *testing.T) {
	_, err := Open("/nonexistent/leve")
	if !errors.Is(err, os.ErrNotExist) {
		t.Errorf("Open(missing) = %v, want os.ErrNotExist", err)
	}
}

// FuzzOpen feeds arbitrary bytes to the ELF, build info and pclntab
// readers: they may fail but never panic.
func FuzzOpen(f *testing.F) {
	f.Add([]byte{})
	f.Add([]byte("\x7fELF\x02\x01\x01"))
	if b, err := os.ReadFile("/bin/true"); err == nil {
		f.Add(b)
	}
	if !testing.Short() {
		if b, err := os.ReadFile(build(f, fixture{"hello", "amd64", true})); err == nil {
			f.Add(b[:4096])
			f.Add(b[:len(b)/3])
			f.Add(b)
		}
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		r, err := readAll(in)
		if err == nil && r == nil {
			t.Fatal("Report() = nil, nil")
		}
		failOnInternal(t, err)
	})
}

// FuzzPclntab feeds arbitrary bytes to the pclntab parser and the
// pc-value table decoder.
func FuzzPclntab(f *testing.F) {
	f.Add([]byte("\xf1\xff\xff\xff\x00\x00\x01\x08"), uint32(0))
	if !testing.Short() {
		if ff, err := Open(build(f, fixture{"hello", "amd64", true})); err == nil {
			if s := ff.elf.Section(".gopclntab"); s != nil {
				b := ff.sectionData(s)
				f.Add(bytes.Clone(b[:min(len(b), 1<<16)]), uint32(100)) // the mapping goes at Close
			}
			ff.Close()
		}
	}
	f.Fuzz(func(t *testing.T, in []byte, off uint32) {
		ff := &File{arch: arches[62]}
		if t, err := ff.parsePclntab(0x1000, 0, in); err == nil {
			for i := range t.funcs {
				fn := &t.funcs[i]
				for j := range fn.ntables() {
					tableLen(t.pctab(), t.table(fn, j))
				}
				for j := range int(fn.nfuncdata) {
					t.funcdata(fn, j)
				}
			}
		}
		tableLen(in, off)
	})
}

// FuzzPatch overwrites a window of a real Go binary with fuzz bytes and
// analyses the result: the type walker, the code reference scan and the
// attribution layers meet corrupted but mostly valid structures.
func FuzzPatch(f *testing.F) {
	if testing.Short() {
		f.Skip("builds a Go binary")
	}
	base, err := os.ReadFile(build(f, fixture{"hello", "amd64", true}))
	if err != nil {
		f.Fatal(err)
	}
	for _, off := range []uint32{0x40, 0x1000, 0xa2000, 0xd85a8, 0xd85e0, 0x17d000, 0x17d1a0} {
		f.Add(off, []byte{0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0})
	}
	f.Fuzz(func(t *testing.T, off uint32, patch []byte) {
		b := bytes.Clone(base)
		copy(b[int(off)%len(b):], patch)
		r, err := readAll(b)
		if err != nil {
			failOnInternal(t, err)
			return
		}
		c := r.Coverage
		if c.Packages+c.Modules+c.Shared+c.Metadata+c.Unattributed != r.Size {
			t.Fatalf("coverage %+v does not add up to %d", c, r.Size)
		}
	})
}

// failOnInternal fails when err comes from a recovered panic.
func failOnInternal(t *testing.T, err error) {
	t.Helper()
	if err != nil && strings.Contains(err.Error(), internalError) {
		t.Fatalf("reader bug: %v", err)
	}
}
