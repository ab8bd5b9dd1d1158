# A binary reaches the final image through the stages that copy it.
FROM golang:1.26.8-bookworm@sha256:5d7f2b0d3a9e2a6bd8b6e0c3f2e1a4b5c6d7e8f9a0b1c2d3e4f5a6b7c8d9e0f1 AS build
WORKDIR /src
COPY . .
RUN GOBIN=/out CGO_ENABLED=0 go install ./cmd/server
RUN CGO_ENABLED=0 go build -trimpath ./cmd/worker
RUN GOBIN=/tools go install github.com/google/go-licenses@v1.6.0

FROM busybox:1.36.1@sha256:5d7f2b0d3a9e2a6bd8b6e0c3f2e1a4b5c6d7e8f9a0b1c2d3e4f5a6b7c8d9e0f1 AS mid
COPY --from=build /out/server /usr/local/bin/server
COPY --from=build /src/w* /opt/

FROM gcr.io/distroless/static-debian12:nonroot@sha256:6ec5aa99dc335666e79dc64e4a6c8b89c33a543a1967f20d360922a80dd21f02
COPY --from=mid /usr/local/bin /usr/local/bin
COPY --from=mid /opt/worker /worker
ENTRYPOINT ["/usr/local/bin/server"]
