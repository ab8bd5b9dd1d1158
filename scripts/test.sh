#!/usr/bin/env bash
# Runs every test of leve: formatting, vet, unit tests, fuzz seed corpora and
# the end-to-end tests with real container tools (skopeo, umoci,
# oci-image-tool, runc, dockerd, a registry), which the tests start and stop
# themselves on loopback and private sockets.
#
# It installs the Debian packages the tests need when they are missing
# (as root, with apt-get). With CI=true a missing tool fails the run.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(runc umoci skopeo docker-registry oci-image-tool docker.io qemu-user-static
  clang lld busybox-static xz-utils zstd libdeflate-tools hyperfine chromium gcc libc6-dev tmux time podman)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "test.sh: installing ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  elif [ "${CI:-}" = true ]; then
    echo "test.sh: missing packages ${missing[*]} and not root to install them" >&2
    exit 1
  else
    echo "test.sh: missing ${missing[*]}: the end-to-end tests that need them will skip" >&2
  fi
fi

echo "test.sh: gofmt"
# examples/seed/app.go is the tutorial's file as written, kept verbatim.
unformatted=$(gofmt -l $(git ls-files '*.go' | grep -v '^examples/seed/'))
if [ -n "$unformatted" ]; then
  echo "gofmt would change: $unformatted" >&2
  exit 1
fi

echo "test.sh: go vet"
go vet ./...
(cd examples/hello && go vet ./...)

echo "test.sh: go test"
(cd examples/hello && go test ./...)
go test -timeout 30m -count=1 ./...

echo "test.sh: bench/run --quick"
# One quick round of the benchmark harness into a temporary directory: it
# must run and render, and leave every tracked file as it was.
before=$(git status --porcelain)
quick=$(mktemp -d)
bench/run --quick --out "$quick"
rm -rf "$quick"
if [ "$(git status --porcelain)" != "$before" ]; then
  echo "bench/run --quick changed files of the repository:" >&2
  git status --short >&2
  exit 1
fi
