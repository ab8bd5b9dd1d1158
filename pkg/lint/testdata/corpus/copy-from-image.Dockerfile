FROM golang:1.26.8-bookworm AS build
COPY --from=ghcr.io/leve-build/leve:0.1.0 /leve /usr/local/bin/leve
COPY --from=busybox /bin/busybox /bin/busybox
WORKDIR /src
COPY . .
RUN leve build --rootfs=/out --no-strip .
FROM scratch
COPY --from=build /out/ /
COPY --from=gcr.io/distroless/static-debian12@sha256:0000000000000000000000000000000000000000000000000000000000000000 /etc/passwd /etc/passwd
USER 65532:65532
ENTRYPOINT ["/app/hello"]
