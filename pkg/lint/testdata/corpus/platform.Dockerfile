ARG GO_VERSION=1.26.8
ARG BASE=gcr.io/distroless/static-debian12
FROM --platform=$BUILDPLATFORM golang:${GO_VERSION}-bookworm AS build
ARG TARGETOS TARGETARCH
WORKDIR /src
COPY go.mod go.sum ./
RUN --mount=type=cache,target=/go/pkg/mod go mod download
COPY . .
RUN --mount=type=cache,target=/root/.cache/go-build \
    CGO_ENABLED=0 GOOS=$TARGETOS GOARCH=$TARGETARCH \
    go build -trimpath -ldflags="-s -w" -o /out/app ./cmd/app
FROM ${BASE}:latest
COPY --from=build /out/app /app
USER 65532:65532
ENTRYPOINT ["/app"]
