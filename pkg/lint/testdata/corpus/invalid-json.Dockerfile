FROM scratch
COPY hello /hello
USER 65532:65532
# Not valid JSON (single quotes), so BuildKit takes the shell form.
ENTRYPOINT ['/hello']
CMD ["--greet", "Oi"
