package exe

import (
	"errors"
	"runtime/debug"
)

// Summary is Report without the attribution of the file's bytes to
// packages and symbols: the build info, sections, segments, linking,
// strip information and run-time needs, for a fraction of Report's time
// and memory. Its Packages, Sizes, MethodDeadCode and Suggestions are
// empty, and Modules carry no sizes. The File may be closed afterwards,
// and Report still called before that.
func (f *File) Summary() (r *Report, err error) {
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	defer func() {
		if p := recover(); p != nil {
			r, err = nil, f.wrap(recovered(p))
		}
	}()
	a, err := f.prepare()
	if err != nil {
		return nil, f.wrap(err)
	}
	a.resolveFuncPkgs()
	return a.report(false), nil
}

// prepare reads the build info and the pclntab and sets up an analysis.
func (f *File) prepare() (*analysis, error) {
	bi, biErr := f.readBuildInfo()
	tab, tabErr := f.findPclntab()
	if biErr != nil && tabErr != nil {
		if errors.Is(biErr, ErrNoBuildInfo) && errors.Is(tabErr, ErrNoPclntab) {
			return nil, ErrNotGo
		}
		return nil, errors.Join(biErr, tabErr)
	}
	if tabErr != nil {
		return nil, tabErr
	}
	a := &analysis{f: f, bi: bi, mods: newModuleSet(bi), tab: tab, ownerIdx: map[Owner]int32{}}
	a.rm.size = f.size
	a.md = f.findModuledata(tab)
	switch {
	case tab.textStart != 0:
		tab.setText(tab.textStart)
	case a.md != nil:
		tab.setText(a.md.text)
	case f.elf.Section(".text") != nil:
		tab.setText(f.elf.Section(".text").Addr)
	}
	return a, nil
}
