FROM alpine:3.20.3
ARG GITHUB_TOKEN
ARG NPM_TOKEN_FILE=/run/secrets/npm
ENV DB_PASSWORD=hunter2 APP_NAME=shop
ENV AWS_SECRET_ACCESS_KEY wJalrXUtnFEMI
ENV GPG_KEY=0x1234 PUBLIC_KEY_URL=https://example.com/key
ADD config.json /etc/app/
ADD https://example.com/file.txt /tmp/
ADD vendor.tar.gz /opt/
USER root
CMD ["sh"]
