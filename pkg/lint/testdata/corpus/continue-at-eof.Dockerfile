FROM alpine:3.20.3
RUN echo hello \
  && echo world \