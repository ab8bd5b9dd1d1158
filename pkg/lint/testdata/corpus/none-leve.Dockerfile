# The default form leve dockerfile is meant to print: the build stage runs
# leve itself, which builds, strips and lays out the image's files in /out.
FROM ghcr.io/leve-build/leve:0.1.0 AS build
WORKDIR /src
COPY . .
RUN ["leve", "build", "--rootfs", "/out", "."]

FROM scratch
COPY --from=build /out/ /
USER 65532:65532
ENV TZ=UTC
WORKDIR /
LABEL org.opencontainers.image.source="https://example.com/hello"
ENTRYPOINT ["/app/hello"]
