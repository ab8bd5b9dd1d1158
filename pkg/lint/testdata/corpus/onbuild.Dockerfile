FROM golang:1.25.5 AS builder
ONBUILD COPY . /go/src/app
ONBUILD RUN go build -o app.go .
WORKDIR /go/src/app
COPY app.go .
RUN go build -o app.go .

FROM builder
EXPOSE 8080
ENTRYPOINT ["./app.go"]
