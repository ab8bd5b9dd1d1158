FROM debian:bookworm-20250113-slim@sha256:0000000000000000000000000000000000000000000000000000000000000000
RUN apt-get update \
    # a comment inside a continuation is dropped
    && apt-get install -y --no-install-recommends \
        ca-certificates \

        curl \
    && rm -rf /var/lib/apt/lists/*
COPY app /usr/local/bin/app
RUN chmod 0755 \
    /usr/local/bin/app
USER nobody
CMD ["app"]
