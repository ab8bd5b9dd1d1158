# leve-lint ignore=pin-digest,user-root
# leve-lint ignore=no-such-rule
FROM golang:1.26.8 AS build
WORKDIR /src
COPY . .
# leve-lint ignore=unstripped
RUN CGO_ENABLED=0 go build -o /out/app .

# leve-lint ignore=unpinned-base

# the blank line above ends that comment block: FROM alpine stays unpinned
# leve-lint ignore=distro-base
FROM alpine
# leve-lint ignore=copy-build-dir
COPY --from=build /src /app
RUN <<EOF
# leve-lint ignore=chmod-copy (inside a heredoc: not a Dockerfile comment)
chmod -R 755 /app
EOF
