# syntax=docker/dockerfile:1
FROM golang:1.26.8-bookworm AS build
WORKDIR /src
COPY <<EOF go.mod
module example.com/hello

go 1.26
EOF
COPY <<-"GO" main.go
	package main

	func main() { println("oi") }
	GO
RUN <<EOF
set -eu
CGO_ENABLED=0 go build -trimpath -o /out/hello .
EOF
RUN <<A cat > /out/one && <<B cat > /out/two
first
A
second
B

FROM scratch
COPY --from=build /out/hello /hello
USER 65532:65532
ENTRYPOINT ["/hello"]
