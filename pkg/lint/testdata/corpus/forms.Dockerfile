FROM golang:1.26.8-alpine3.20 AS build
WORKDIR /src
COPY ["go.mod", "go.sum", "./"]
COPY . .
RUN ["go", "build", "-trimpath", "-o", "/out/app", "."]
FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/app /app
CMD /app --port 8080
