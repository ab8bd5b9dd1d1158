# Tools that a build stage installs and runs, but that never reach the
# final image, are not reported unstripped: only what is copied out is.
FROM golang:1.26.8-bookworm AS tools
RUN GOBIN=/out CGO_ENABLED=0 go install github.com/josephspurrier/goversioninfo/cmd/goversioninfo@v1.4.1
RUN go install gotest.tools/gotestsum/v2@v2.0.0

FROM golang:1.26.8-bookworm AS build
COPY --from=tools /out/goversioninfo /usr/bin/goversioninfo
COPY --from=tools /go/bin/gotestsum /usr/bin/
WORKDIR /src
COPY . .
RUN go install github.com/google/go-licenses@v1.6.0 && go-licenses save --save_path=/licenses . && \
    CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/app .

FROM gcr.io/distroless/static-debian12:nonroot@sha256:6ec5aa99dc335666e79dc64e4a6c8b89c33a543a1967f20d360922a80dd21f02
COPY --from=build /out/app /app
COPY --from=build /licenses /licenses
ENTRYPOINT ["/app"]
