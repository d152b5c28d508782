# Maillage: a plain mirror of the README's steps (build with cgo for h3-go,
# then run `maillage serve`). No Docker engine runs on the development
# machines: this file is kept in step with the README by reading, not by a
# build; the README's "Docker" section is the reference.
#
#   docker build -t maillage .
#   docker run --rm -p 127.0.0.1:8080:8080 -e MAILLAGE_INSECURE_OPEN_WRITES=true maillage   # demo
#   docker run -d -p 8080:8080 -v "$PWD:/data:ro" -v maillage-db:/var/lib/maillage \
#     -e MAILLAGE_TERRITORY=/data/bordeaux.territory -e MAILLAGE_API_KEYS_FILE=/data/api-keys maillage
#
# The server runs as the unprivileged user maillage (uid 10001, gid 10001):
# files it reads from a bind mount must be readable by others (`ingest` writes
# territories with mode 0644; an API keys file of sha256: digests can be 0644
# too), and the scenario database lives in the volume /var/lib/maillage, which
# the image creates owned by that user. To run as your own user instead
# (--user "$(id -u):$(id -g)"), bind-mount a folder of yours there.

# --- build: Go 1.26 with gcc (h3-go is a cgo binding of the H3 C library)
FROM golang:1.26-trixie AS build
RUN apt-get update \
 && apt-get install -y --no-install-recommends gcc libc6-dev \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN go vet ./... \
 && CGO_ENABLED=1 go build -trimpath -ldflags="-s -w" -o /out/maillage ./cmd/maillage

# --- run: slim Debian of the same release (same glibc), non-root
FROM debian:trixie-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --system --gid 10001 maillage \
 && useradd --system --uid 10001 --gid 10001 --no-create-home --home-dir /var/lib/maillage maillage \
 && mkdir -p /data /var/lib/maillage \
 && chown maillage:maillage /var/lib/maillage \
 && chmod 0750 /var/lib/maillage
COPY --from=build /out/maillage /usr/local/bin/maillage
# Every serve flag also comes from MAILLAGE_* (flags win); the health check
# reads MAILLAGE_ADDR too, so change the port there, not with --addr.
ENV GIN_MODE=release \
    MAILLAGE_ADDR=:8080 \
    MAILLAGE_DB=/var/lib/maillage/scenarios.db
# The scenario database (SQLite and its -wal file): keep it in a volume.
VOLUME ["/var/lib/maillage"]
WORKDIR /data
USER 10001:10001
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
  CMD ["maillage", "health"]
ENTRYPOINT ["maillage"]
CMD ["serve"]
