FROM golang:1.22
ENV GO111MODULE=off
WORKDIR /go/src/app
COPY . .
RUN GO111MODULE=auto go build -o main.go . && strip main.go
CMD ./main.go
