#!/bin/sh
# Builds the stub for linux/amd64 and linux/arm64 into amd64.bin and
# arm64.bin: flat position-independent images with no headers, symbols or
# build IDs, so that the same sources always give the same bytes.
# Usage: build.sh [OUTDIR]   (run by `go generate ./pkg/pack/`)
set -eu
cd "$(dirname "$0")"
out=${1:-.}
CC=${CC:-clang}
READELF=${READELF:-$(command -v llvm-readelf || command -v readelf || echo readelf)}
for arch in amd64 arm64; do
	case $arch in
	amd64) target=x86_64-linux-gnu extra= ;;
	# ADR instead of ADRP+ADD: the stub runs at any 16-byte aligned offset.
	arm64) target=aarch64-linux-gnu extra=-mcmodel=tiny ;;
	esac
	$CC --target=$target -ffreestanding -nostdlib -static -Oz -fPIE $extra \
		-fno-stack-protector -fno-asynchronous-unwind-tables -fno-unwind-tables \
		-fno-jump-tables -fno-vectorize -fno-slp-vectorize -fno-unroll-loops -fno-ident -fno-builtin -ffunction-sections \
		-Wall -Wextra -Werror -Wno-unused-function \
		-c -o "$out/$arch.o" stub.c
	# The image is flat: no relocation can be applied at run time, so no
	# absolute address may be stored in it.
	if "$READELF" -r "$out/$arch.o" | grep -E 'R_X86_64_(64|32S?)|R_AARCH64_ABS' >&2; then
		echo "build.sh: absolute relocations in the $arch stub" >&2
		exit 1
	fi
	ld.lld -T link.ld --oformat=binary --no-dynamic-linker -static \
		--build-id=none -z norelro -o "$out/$arch.bin" "$out/$arch.o"
	rm -f "$out/$arch.o"
done
