FROM ubuntu:24.04
ENV API_KEY=abc
CMD ["bash"]
