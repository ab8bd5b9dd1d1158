# escape=`
FROM golang:1.26.8-bookworm AS build
WORKDIR C:\src
COPY . .
RUN go build `
    -ldflags="-s -w" `
    -o /out/app.go `
    .
FROM alpine:3.20.3
COPY --from=build /out/app.go /app
ENTRYPOINT /app `
    --serve
