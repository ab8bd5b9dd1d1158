FROM golang:1.26.8-bookworm AS build
WORKDIR /src
COPY . .
RUN CGO_ENABLED=0 go build -ldflags="-s -w" -o /src/app .
FROM scratch
COPY --from=build /src/ /
ENTRYPOINT /app
