package exe

import (
	"bytes"
	"fmt"
	"sort"
	"strings"
)

// needRule detects one run-time need from the functions linked in.
type needRule struct {
	kind  string
	files []string
	// any lists functions whose presence reveals the need.
	any []string
	// unless lists packages whose presence cancels it (time/tzdata).
	unless []string
	detail string
}

var needRules = []needRule{
	{kind: NeedCACerts, files: []string{"/etc/ssl/certs/ca-certificates.crt"},
		any:    []string{"crypto/x509.loadSystemRoots", "crypto/x509.initSystemRoots", "crypto/x509.systemRootsPool"},
		detail: "crypto/x509 loads the system root CAs: the image needs CA certificates"},
	{kind: NeedTZData, files: []string{"/usr/share/zoneinfo"},
		any: []string{"time.LoadLocation"}, unless: []string{"time/tzdata"},
		detail: "time.LoadLocation is linked and time/tzdata is not embedded: the image needs tzdata (or build with -tags timetzdata)"},
	{kind: NeedUsers, files: []string{"/etc/passwd", "/etc/group"},
		any:    []string{"os/user.Current", "os/user.Lookup", "os/user.LookupId", "os/user.LookupGroup", "os/user.LookupGroupId", "os/user.lookupUser", "os/user.current"},
		detail: "os/user looks up users and groups: the image needs /etc/passwd and /etc/group"},
	{kind: NeedTempDir, files: []string{"/tmp"},
		any:    []string{"os.TempDir"},
		detail: "os.TempDir is used (os.CreateTemp, os.MkdirTemp, multipart forms): the image needs a writable /tmp"},
}

// dnsFuncs reveal the net package's resolvers.
var (
	goResolverFuncs  = []string{"net.(*Resolver).goLookupIPCNAMEOrder", "net.(*Resolver).goLookupHostOrder", "net.(*conf).hostLookupOrder", "net.(*Resolver).lookupIPAddr"}
	cgoResolverFuncs = []string{"net.cgoLookupHost", "net.cgoLookupIP", "net._C2func_getaddrinfo", "net.cgoLookupIPCNAME"}
)

// wantedNeedFuncs returns the set of function names the need rules and
// the resolver lists look for.
func wantedNeedFuncs() map[string]struct{} {
	w := map[string]struct{}{}
	for _, rule := range needRules {
		for _, n := range rule.any {
			w[n] = struct{}{}
		}
	}
	for _, n := range goResolverFuncs {
		w[n] = struct{}{}
	}
	for _, n := range cgoResolverFuncs {
		w[n] = struct{}{}
	}
	return w
}

// needs lists what the executable needs at run time, with evidence.
func (a *analysis) needs(r *Report) []Need {
	// Functions of the binary, and functions only inlined into others:
	// the name table holds both.
	// Only the names the rules ask about are kept.
	wanted := wantedNeedFuncs()
	have := make(map[string]string, len(wanted))
	names := a.tab.funcnametab()
	for off := 0; off < len(names); {
		n := bytes.IndexByte(names[off:], 0)
		if n < 0 {
			break
		}
		if _, ok := wanted[string(names[off:off+n])]; ok {
			have[string(names[off:off+n])] = "inlined: "
		}
		off += n + 1
	}
	for i := range a.tab.funcs {
		if _, ok := wanted[a.tab.funcs[i].name]; ok {
			have[a.tab.funcs[i].name] = "linked: "
		}
	}
	found := func(names []string) []string {
		var ev []string
		for _, n := range names {
			if how, ok := have[n]; ok {
				ev = append(ev, how+n)
			}
		}
		return ev
	}
	var out []Need
	for _, rule := range needRules {
		ev := found(rule.any)
		if len(ev) == 0 {
			continue
		}
		cancelled := false
		for _, p := range rule.unless {
			cancelled = cancelled || a.names[p]
		}
		if cancelled {
			continue
		}
		out = append(out, Need{Kind: rule.kind, Files: rule.files, Evidence: ev, Detail: rule.detail})
	}
	if ev := found(goResolverFuncs); len(ev) > 0 {
		out = append(out, Need{Kind: NeedDNS, Files: []string{"/etc/resolv.conf", "/etc/hosts", "/etc/nsswitch.conf"}, Evidence: ev,
			Detail: "the Go DNS resolver reads /etc/resolv.conf, /etc/hosts and /etc/nsswitch.conf when present; without them it asks localhost:53 and skips hosts"})
	}
	// Without runtime/cgo the cgo resolver functions are stubs that panic.
	if ev := found(cgoResolverFuncs); len(ev) > 0 && a.hasPackage("runtime/cgo") {
		out = append(out, Need{Kind: NeedDNS, Files: []string{"/etc/nsswitch.conf", "/etc/hosts", "libnss_*.so"}, Evidence: ev,
			Detail: "the cgo DNS resolver calls getaddrinfo: the image needs libc's NSS modules and configuration"})
	}
	if !r.Linking.Static {
		var ev []string
		if r.Linking.Interpreter != "" {
			ev = append(ev, "PT_INTERP: "+r.Linking.Interpreter)
		}
		for _, l := range r.Linking.Needed {
			ev = append(ev, "DT_NEEDED: "+l)
		}
		files := append([]string{r.Linking.Interpreter}, r.Linking.Needed...)
		if files[0] == "" {
			files = files[1:]
		}
		detail := fmt.Sprintf("dynamically linked against %s: a scratch image cannot run it; build with CGO_ENABLED=0 or use a base image with these libraries", strings.Join(files, ", "))
		if r.Linking.PIEOnly() {
			detail = fmt.Sprintf("a position-independent executable (-buildmode=pie, e.g. from GOFLAGS), relocated at start-up by the dynamic loader %s: a scratch image cannot run it; build it without -buildmode=pie (GOFLAGS=) or use a base image with the loader", strings.Join(files, ", "))
		}
		out = append(out, Need{Kind: NeedLibs, Files: files, Evidence: ev, Detail: detail})
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Kind < out[j].Kind })
	return out
}
