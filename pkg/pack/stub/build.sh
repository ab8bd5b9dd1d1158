#!/bin/sh
# Builds the stub for linux/amd64 and linux/arm64 into amd64.bin and
# arm64.bin: flat position-independent images with no headers, symbols or
# build IDs, so that the same sources always give the same bytes.
# Usage: build.sh [OUTDIR]   (run by `go generate ./pkg/pack/`)
set -eu
cd "$(dirname "$0")"
out=${1:-.}
CC=${CC:-clang}
for arch in amd64 arm64; do
	case $arch in
	amd64) target=x86_64-linux-gnu ;;
	arm64) target=aarch64-linux-gnu ;;
	esac
	$CC --target=$target -ffreestanding -nostdlib -static -Oz -fPIE \
		-fno-stack-protector -fno-asynchronous-unwind-tables -fno-unwind-tables \
		-fno-jump-tables -fno-vectorize -fno-slp-vectorize -fno-unroll-loops -fno-ident -fno-builtin -ffunction-sections \
		-Wall -Wextra -Werror -Wno-unused-function \
		-c -o "$out/$arch.o" stub.c
	ld.lld -T link.ld --oformat=binary --no-dynamic-linker -static \
		--build-id=none -z norelro -o "$out/$arch.bin" "$out/$arch.o"
	rm -f "$out/$arch.o"
done
