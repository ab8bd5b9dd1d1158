FROM golang:1.26.8-bookworm
WORKDIR /w
COPY . .
RUN export CGO_ENABLED=0; go build -ldflags '-w' -o bin/app . | tee log
FROM busybox:1.36.1-musl
COPY --from=0 / /rootfs
COPY --from=0 /w/bin/app /bin/app
USER 0:0
ENTRYPOINT ["/bin/app"]
