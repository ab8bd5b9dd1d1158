# syntax=docker/dockerfile:1.7
from debian:12.8-slim as base
maintainer someone@example.com
shell ["/bin/bash", "-o", "pipefail", "-c"]
run apt-get update && apt-get install -y curl | tee /log
label org.opencontainers.image.title="tool" \
      org.opencontainers.image.version=1.0
expose 8080/tcp 9090
volume ["/data", "/cache"]
volume /logs /tmp/x
stopsignal SIGTERM
healthcheck --interval=30s --timeout=3s CMD curl -f http://localhost:8080/ || exit 1
copy --chown=app:app --chmod=0644 -- conf.d/ /etc/tool/
user app
workdir /srv
entrypoint ["tool"]
