#!/bin/sh
# Entry point of the Litestream image (Dockerfile.litestream): restores the
# database from the bucket when the volume has none, then runs `litmus serve`
# under `litestream replicate`, which streams every change to the bucket and
# passes Fly's stop signal on to Litmus. Other subcommands run Litmus alone.
set -eu

litmus="${LITMUS_BIN:-/usr/local/bin/litmus}"
LITMUS_DB="${LITMUS_DB:-/data/litmus.db}"
# Fly's `fly storage create` (Tigris) sets BUCKET_NAME, AWS_ENDPOINT_URL_S3
# and AWS_REGION; use them unless LITESTREAM_* say otherwise.
LITESTREAM_BUCKET="${LITESTREAM_BUCKET:-${BUCKET_NAME:-}}"
LITESTREAM_ENDPOINT="${LITESTREAM_ENDPOINT:-${AWS_ENDPOINT_URL_S3:-}}"
LITESTREAM_REGION="${LITESTREAM_REGION:-${AWS_REGION:-}}"
LITESTREAM_PATH="${LITESTREAM_PATH:-litmus}"
export LITMUS_DB LITESTREAM_BUCKET LITESTREAM_ENDPOINT LITESTREAM_REGION LITESTREAM_PATH

case "${1:-serve}" in
serve) ;;
*) exec "$litmus" "$@" ;;
esac

if [ -z "$LITESTREAM_BUCKET" ]; then
	echo "litestream-run: no bucket is set (LITESTREAM_BUCKET or BUCKET_NAME), so the database is NOT being copied anywhere. See deploy/litestream.md to set one up. Starting Litmus without it." >&2
	exec "$litmus" "$@"
fi

# Only when the volume has no database yet (a new or replaced volume): fetch
# the latest copy. A first start with an empty bucket restores nothing.
# If the bucket cannot be reached, stop here rather than start with an empty
# database next to a full backup: the Machine is restarted and tries again.
litestream restore -config /etc/litestream.yml -if-db-not-exists -if-replica-exists "$LITMUS_DB"

exec litestream replicate -config /etc/litestream.yml -exec "$litmus $*"
