# syntax=docker/dockerfile:1
#
# Litmus as a container image: one binary, run as an unprivileged user, with
# its SQLite database on a volume at /data.
#
#   docker build -t litmus \
#     --build-arg VERSION="$(git describe --tags --always)" \
#     --build-arg REVISION="$(git rev-parse HEAD)" .
#   docker run -d --name litmus -p 8080:8080 -p 127.0.0.1:9091:9091 \
#     -v litmus-data:/data -e LITMUS_ADMIN_PASSWORD='a long passphrase' \
#     --stop-timeout 15 litmus
#
# Port 9091 (metrics) is published on 127.0.0.1 only: metrics are for your
# Prometheus, not for the internet. --stop-timeout 15 gives Litmus its 10
# seconds to save what is queued before Docker kills it (Docker's default
# is 10). Any litmus subcommand runs the same way:
#   docker run --rm -v litmus-data:/data litmus results
#
# On Fly.io, fly.toml builds this file; see the comments there.

ARG GO_VERSION=1.26

# ---- build: compile with cgo, which mattn/go-sqlite3 needs ----------------
FROM golang:${GO_VERSION}-bookworm AS build
WORKDIR /src

# Modules first, so changing the code does not download them again.
COPY go.mod go.sum ./
RUN --mount=type=cache,target=/go/pkg/mod \
    go mod download

COPY . .

# Stamped into the binary: `litmus version` and the litmus_build_info metric
# show them. Pass them with --build-arg (see above); left empty, the
# binary keeps the version written in main.go.
ARG VERSION=""
ARG REVISION=""

# -trimpath: no paths of the build machine in the binary.
# -s -w: no symbol table or debug info (a smaller image).
# The cache mounts keep compiled packages (SQLite's C code takes a minute)
# between builds.
RUN --mount=type=cache,target=/go/pkg/mod \
    --mount=type=cache,target=/root/.cache/go-build \
    ldflags="-s -w" \
 && if [ -n "${VERSION}" ]; then ldflags="${ldflags} -X main.version=${VERSION}"; fi \
 && if [ -n "${REVISION}" ]; then ldflags="${ldflags} -X main.revision=${REVISION}"; fi \
 && CGO_ENABLED=1 go build -trimpath -ldflags "${ldflags}" -o /litmus .

# ---- runtime: Debian slim, because a cgo binary needs glibc ---------------
FROM debian:bookworm-slim

# ca-certificates: the trust store, so outgoing HTTPS connections can verify
# certificates.
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates \
 && rm -rf /var/lib/apt/lists/*

# An unprivileged user with a fixed id, owning /data. Fly.io mounts its
# volume for the image's user, and a new Docker named volume takes the
# ownership of /data from the image. A host directory you bind-mount instead
# must be writable by uid 10001: `sudo chown 10001:10001 /srv/litmus`.
RUN groupadd --system --gid 10001 litmus \
 && useradd --system --uid 10001 --gid litmus --home-dir /data --no-create-home \
      --shell /usr/sbin/nologin litmus \
 && mkdir -p /data \
 && chown litmus:litmus /data

COPY --from=build /litmus /usr/local/bin/litmus

ENV LITMUS_DB=/data/litmus.db \
    LITMUS_ADDR=:8080 \
    LITMUS_METRICS_ADDR=:9091

USER 10001:10001
WORKDIR /data

# 8080: pages, signups, /admin. 9091: /metrics, keep it private.
EXPOSE 8080 9091

# SIGTERM is what Docker and Fly send; Litmus shuts down cleanly on it.
STOPSIGNAL SIGTERM

# No HEALTHCHECK: the slim image has no curl or wget to call /healthz with,
# and adding one for this would grow the image. Fly.io checks /healthz
# itself (fly.toml); elsewhere let your orchestrator or uptime monitor ask
# GET /healthz on port 8080.

ENTRYPOINT ["/usr/local/bin/litmus"]
CMD ["serve"]
