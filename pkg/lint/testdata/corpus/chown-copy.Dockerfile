FROM golang:1.26.8-bookworm AS build
WORKDIR /src
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -ldflags=-s -o /out/srv .
FROM gcr.io/distroless/static-debian12
WORKDIR /srv
COPY --from=build /out/srv ./srv
COPY static/ ./static/
RUN ["chown", "-R", "65532:65532", "/srv/static"]
ENTRYPOINT ./srv
