#!/bin/sh
# Start-up time, peak RSS and size of packed executables (leve pack) against
# the unpacked binary and `xz -dc` of the same binary's .xz file, for the
# seed's hello and the Go toolchain's go command. Writes its figures to
# stdout and, when LEVE_BENCH_RESULTS names a file, appends them to it as
# the JSON lines of package bench/benchrec (bench/run's "pack" suite).
#
# Usage: [RUNS=30] [LEVE=path/to/leve] bench/pack/bench.sh [WORKDIR]
# (needs go, xz, hyperfine)
set -eu
root=$(cd "$(dirname "$0")/../.." && pwd)
work=${1:-$(mktemp -d)}
runs=${RUNS:-30}
mkdir -p "$work"
cd "$work"
rm -f rss.txt
export GOROOT="$(go env GOROOT)"

# The seed's app.go, built as in issue 4, and cmd/go, stripped.
cp "$root/examples/seed/app.go" app.go
CGO_ENABLED=0 GO111MODULE=auto go build -trimpath -ldflags='-s -w -buildid=' -o hello app.go
(cd "$GOROOT/src/cmd/go" && CGO_ENABLED=0 go build -trimpath -ldflags='-s -w' -o "$work/go" .)
if [ -n "${LEVE:-}" ]; then # a prebuilt leve
	cp "$LEVE" "$work/leve"
else
	(cd "$root" && go build -o "$work/leve" ./cmd/leve)
fi
(cd "$root" && go build -o "$work/rss" ./bench/pack/rss)

for b in hello go; do
	./leve pack --json "$b" > "$b.json"
	xz --x86 --lzma2=preset=9e -T1 -k -c "$b" > "$b.xz"
done

echo "## sizes (bytes)"
for b in hello go; do
	printf '%s: original %s, packed %s, xz --x86 -9e %s\n' "$b" \
		"$(wc -c < "$b")" "$(wc -c < "$b.packed")" "$(wc -c < "$b.xz")"
done

echo "## packed layout (leve pack --json)"
for b in hello go; do
	python3 - "$b.json" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))
print("%s: stub %d, payload %d, other %d, filter %s, %s, packed in %.1f s" % (
    s["input"], s["stubSize"], s["payloadSize"], s["overheadSize"], s["filter"], s["lzma"],
    s["durationNs"] / 1e9))
PY
done

echo "## start-up (hyperfine medians)"
# stdin is /dev/null: hello reads an empty name.
hyperfine -N --warmup 3 --runs "$runs" --export-json hello.times.json \
	./hello ./hello.packed 'xz -dc hello.xz'
hyperfine -N --warmup 3 --runs "$runs" --export-json go.times.json \
	'./go version' './go.packed version' 'xz -dc go.xz'
for b in hello go; do
	python3 - "$b.times.json" <<'PY'
import json, sys
for r in json.load(open(sys.argv[1]))["results"]:
    print("%-24s median %7.1f ms  user %6.1f ms  sys %5.1f ms" % (
        r["command"], r["median"] * 1000, r["user"] * 1000, r["system"] * 1000))
PY
done

echo "## peak RSS (median ru_maxrss) and least CPU time (user+sys), 20 runs"
for c in ./hello ./hello.packed 'xz -dc hello.xz' './go version' './go.packed version' 'xz -dc go.xz'; do
	# shellcheck disable=SC2086
	printf '%-24s %s\n' "$c" "$(./rss -n 20 $c)" | tee -a rss.txt
done

if [ -n "${LEVE_BENCH_RESULTS:-}" ]; then
	python3 - "$LEVE_BENCH_RESULTS" "$runs" <<'PY'
import json, os, re, sys
out, runs = sys.argv[1], int(sys.argv[2])
recs = {"runs": runs}
names = {"./hello": "hello", "./hello.packed": "hello.packed", "xz -dc hello.xz": "hello.xz",
         "./go version": "go", "./go.packed version": "go.packed", "xz -dc go.xz": "go.xz"}
for b in ("hello", "go"):
    recs[b + ".original-B"] = os.path.getsize(b)
    recs[b + ".packed-B"] = os.path.getsize(b + ".packed")
    recs[b + ".xz-B"] = os.path.getsize(b + ".xz")
    s = json.load(open(b + ".json"))
    recs[b + ".stub-B"] = s["stubSize"]
    recs[b + ".payload-B"] = s["payloadSize"]
    recs[b + ".overhead-B"] = s["overheadSize"]
    recs[b + ".pack-s"] = s["durationNs"] / 1e9
    for r in json.load(open(b + ".times.json"))["results"]:
        recs[names[r["command"]] + ".median-ms"] = r["median"] * 1000
for line in open("rss.txt"):
    m = re.match(r"(.*?)\s+(\d+) KiB\s+([\d.]+) ms", line)
    if m:
        recs[names[m.group(1).strip()] + ".rss-KiB"] = int(m.group(2))
        recs[names[m.group(1).strip()] + ".cpu-ms"] = float(m.group(3))
with open(out, "a") as f:
    for k, v in recs.items():
        f.write(json.dumps({"key": k, "value": float(v)}) + "\n")
PY
fi
