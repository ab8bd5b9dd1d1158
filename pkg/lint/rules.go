package lint

// Rule describes one check.
type Rule struct {
	// ID names the rule in findings and ignore comments.
	ID string
	// Severity is its usual severity; a finding says when it differs.
	Severity Severity
	// What says what the rule looks for.
	What string
	// Fix says how to fix what it finds.
	Fix string
	// Bytes says which bytes are at stake, or why there are none.
	Bytes string

	check func(*analysis)
}

// rules lists every rule in the order they run and are documented.
var rules = []Rule{
	{ID: "output-named-source", Severity: Error,
		What:  "go build -o writes a binary named like a source file (app.go); Go >= 1.26 refuses to build it. Error with an unpinned or >= 1.26 golang base, warning with a golang base pinned below 1.26",
		Fix:   `name the binary after the program and write it outside the sources: go build -o /out/app .`,
		Bytes: "none: the build breaks",
		check: checkOutputNamedSource},
	{ID: "shell-entrypoint", Severity: Error,
		What:  "shell-form ENTRYPOINT (or CMD without ENTRYPOINT) in the final stage: it needs /bin/sh and the program does not get signals. Error on a base with no shell (scratch, distroless), warning elsewhere",
		Fix:   `use the exec form: ENTRYPOINT ["/app/hello"]`,
		Bytes: "none: the container does not start on a shell-less base",
		check: checkShellEntrypoint},
	{ID: "secret-in-arg-env", Severity: Error,
		What:  "an ARG or ENV named like a secret (PASSWORD, TOKEN, SECRET, API_KEY, ...): its value stays in the image config or history for anyone who pulls it",
		Fix:   `pass it as a build secret: RUN --mount=type=secret,id=token ...; docker build --secret id=token,env=TOKEN`,
		Bytes: "none: safety",
		check: checkSecrets},
	{ID: "chmod-copy", Severity: Warning,
		What:  "RUN chmod/chown/chgrp in the final image over files an earlier COPY or ADD wrote: the new layer stores every changed file a second time",
		Fix:   `set the mode and owner in the copy: COPY --chmod=755 --chown=65532:65532 ...; go build already writes binaries 0755`,
		Bytes: "the copied files, stored twice (the binary's size, when the program is measured)",
		check: checkChmodCopy},
	{ID: "unstripped", Severity: Warning,
		What:  `go build without -ldflags="-s -w" for a binary that reaches the final image: its symbol table and DWARF ship in the image`,
		Fix:   `go build -trimpath -ldflags="-s -w" (or leve build, which strips)`,
		Bytes: "what strip removes from the binary (when the program is measured)",
		check: checkUnstripped},
	{ID: "cgo-static-base", Severity: Warning,
		What:  "go build with cgo left on (the golang image's default) for a final base without glibc (scratch, distroless static, alpine): a program that imports net or os/user links libc dynamically and does not start there",
		Fix:   "CGO_ENABLED=0 go build ...",
		Bytes: "none: the binary may not start",
		check: checkCgo},
	{ID: "distro-base", Severity: Warning,
		What:  "a full distribution (alpine, debian, ubuntu, golang, ...) as the final base under a Go binary that can be static",
		Fix:   "FROM scratch with a static binary (CGO_ENABLED=0), plus the CA bundle or tzdata only if the program needs them (leve build decides this)",
		Bytes: "the base's published compressed size when known (alpine 3.20: about 3.6 MB)",
		check: checkDistroBase},
	{ID: "copy-build-dir", Severity: Warning,
		What:  "COPY --from a build stage's work or source directory into the final image: the sources, and whatever else the build left there, ship with the binary",
		Fix:   "write the binary to a directory of its own (go build -o /out/app) and copy only that: COPY --from=build /out/app /app",
		Bytes: "the source files copied into that directory, from the build context",
		check: checkCopyBuildDir},
	{ID: "unpinned-base", Severity: Warning,
		What:  "FROM (or COPY --from) an image with no tag, latest, or a tag that is not an exact version (golang, alpine:3.20, debian:bookworm): each build may get another base",
		Fix:   "pin an exact version tag, e.g. golang:1.26.8-bookworm, alpine:3.20.3",
		Bytes: "none: reproducibility and safety",
		check: checkUnpinned},
	{ID: "user-root", Severity: Warning,
		What:  "the final image runs as root: no USER, or USER root or 0 last",
		Fix:   "USER 65532:65532 (the conventional nonroot user) in the final stage",
		Bytes: "none: safety",
		check: checkUserRoot},
	{ID: "go111module", Severity: Warning,
		What:  "GO111MODULE=auto or off: a relic that builds in GOPATH mode, with no go.mod and no go.sum to check what is downloaded",
		Fix:   "add a go.mod (go mod init) and drop GO111MODULE",
		Bytes: "none: reproducibility and safety",
		check: checkGo111Module},
	{ID: "add-local", Severity: Warning,
		What:  "ADD of local files that are not archives: ADD also extracts archives and fetches URLs, so it does more than it says",
		Fix:   "COPY for local files; ADD only for archives to extract or remote sources",
		Bytes: "none: safety",
		check: checkAddLocal},
	{ID: "missing-dockerignore", Severity: Info,
		What:  "the build context has no .dockerignore (nor NAME.dockerignore beside the Dockerfile): COPY of a directory takes everything in it, .git and secrets included. Only reported when the build context is known",
		Fix:   "add a .dockerignore listing .git, build outputs and local secrets",
		Bytes: "none: depends on the context",
		check: checkDockerignore},
	{ID: "pin-digest", Severity: Info,
		What:  "FROM (or COPY --from) an image pinned by tag but not by digest: a tag can be moved to other content",
		Fix:   `add the digest: FROM golang:1.26.8-bookworm@sha256:<digest> (docker buildx imagetools inspect shows it)`,
		Bytes: "none: reproducibility",
		check: checkPinDigest},
}

// ruleByID indexes rules by ID.
var ruleByID = map[string]*Rule{}

func init() {
	for i := range rules {
		ruleByID[rules[i].ID] = &rules[i]
	}
}

// Rules returns every rule, in the order they run.
func Rules() []Rule {
	out := make([]Rule, len(rules))
	copy(out, rules)
	for i := range out {
		out[i].check = nil
	}
	return out
}
