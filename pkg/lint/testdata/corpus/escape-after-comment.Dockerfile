# A comment first: the escape directive below is only a comment now,
# so the backslash stays the escape character.
# escape = `

FROM golang:1.26.8-bookworm AS build
ENV GOFLAGS="-trimpath -ldflags=-s" \
    CGO_ENABLED=0
WORKDIR /src
COPY . .
RUN go build -o /out/tool .
FROM scratch
COPY --from=build /out/tool /tool
USER 65532:65532
ENTRYPOINT ["/tool"]
