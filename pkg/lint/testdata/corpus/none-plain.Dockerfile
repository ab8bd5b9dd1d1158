# The --plain form leve dockerfile is meant to print: Docker best practice,
# for BuildKit. It must report no warning and no error.
FROM --platform=$BUILDPLATFORM golang:1.26.8-bookworm AS build
ARG TARGETOS TARGETARCH
WORKDIR /src
COPY go.mod ./
RUN --mount=type=cache,target=/go/pkg/mod go mod download
COPY . .
RUN --mount=type=cache,target=/go/pkg/mod \
    --mount=type=cache,target=/root/.cache/go-build \
    CGO_ENABLED=0 GOOS=$TARGETOS GOARCH=$TARGETARCH \
    go build -trimpath -ldflags="-s -w" -o /out/app/hello .
RUN mkdir -p /out/root/etc \
    && echo 'nonroot:x:65532:65532:nonroot:/:/sbin/nologin' > /out/root/etc/passwd \
    && echo 'nonroot:x:65532:' > /out/root/etc/group

FROM scratch
COPY --from=build /out/root/ /
COPY --from=build /etc/ssl/certs/ca-certificates.crt /etc/ssl/certs/
COPY --from=build /out/app/hello /app/hello
USER 65532:65532
WORKDIR /app
ENTRYPOINT ["/app/hello"]
