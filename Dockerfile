# Maillage: a plain mirror of the README's steps (build with cgo for h3-go,
# then run `maillage serve`). No Docker engine runs on the development
# machines; this file is kept in step with the README by hand.
#
#   docker build -t maillage .
#   docker run --rm -p 8080:8080 maillage                      # demo territory
#   docker run --rm -p 8080:8080 -v $PWD:/data maillage serve --territory /data/t.territory --addr :8080

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
 && useradd --system --uid 10001 --user-group --home-dir /data --create-home maillage
COPY --from=build /out/maillage /usr/local/bin/maillage
USER maillage
WORKDIR /data
ENV GIN_MODE=release
EXPOSE 8080
ENTRYPOINT ["maillage"]
CMD ["serve", "--addr", ":8080"]
