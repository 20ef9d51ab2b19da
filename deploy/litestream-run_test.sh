#!/usr/bin/env bash
# Tests litestream-run.sh with stand-ins for litmus and litestream that write
# down how they were called, so each case checks what would really run, and
# in which order.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

mkdir -p "$work/bin"
for prog in litmus litestream; do
	cat >"$work/bin/$prog" <<FAKE
#!/bin/sh
printf '%s' "$prog" >>"$work/calls"
for a in "\$@"; do printf ' [%s]' "\$a" >>"$work/calls"; done
printf ' bucket=%s endpoint=%s region=%s path=%s db=%s\n' "\${LITESTREAM_BUCKET:-}" "\${LITESTREAM_ENDPOINT:-}" "\${LITESTREAM_REGION:-}" "\${LITESTREAM_PATH:-}" "\${LITMUS_DB:-}" >>"$work/calls"
exit "\${FAKE_EXIT_$prog:-0}"
FAKE
	chmod +x "$work/bin/$prog"
done

passed=0
failed=0

# run NAME EXPECTED_CALLS [ENV=VALUE...] -- ARGS...: runs the script with a
# clean environment plus ENV and compares the recorded calls.
run() {
	local name="$1" want="$2"
	shift 2
	local envs=()
	while [ "$1" != "--" ]; do
		envs+=("$1")
		shift
	done
	shift
	: >"$work/calls"
	env -i PATH="$work/bin:/usr/bin:/bin" LITMUS_BIN="$work/bin/litmus" "${envs[@]}" \
		sh "$here/litestream-run.sh" "$@" 2>"$work/stderr" || true
	local got
	got="$(cat "$work/calls")"
	if [ "$got" = "$want" ]; then
		passed=$((passed + 1))
	else
		failed=$((failed + 1))
		printf 'FAIL %s\n  want: %s\n  got:  %s\n  stderr: %s\n' "$name" "$want" "$got" "$(cat "$work/stderr")"
	fi
}

run "serve with a bucket restores first, then replicates with litmus as the child" \
"litestream [restore] [-config] [/etc/litestream.yml] [-if-db-not-exists] [-if-replica-exists] [/data/litmus.db] bucket=b endpoint= region= path=litmus db=/data/litmus.db
litestream [replicate] [-config] [/etc/litestream.yml] [-exec] [$work/bin/litmus serve] bucket=b endpoint= region= path=litmus db=/data/litmus.db" \
	LITESTREAM_BUCKET=b -- serve

run "no argument means serve" \
"litestream [restore] [-config] [/etc/litestream.yml] [-if-db-not-exists] [-if-replica-exists] [/data/litmus.db] bucket=b endpoint= region= path=litmus db=/data/litmus.db
litestream [replicate] [-config] [/etc/litestream.yml] [-exec] [$work/bin/litmus ] bucket=b endpoint= region= path=litmus db=/data/litmus.db" \
	LITESTREAM_BUCKET=b --

run "Fly Tigris secrets fill in bucket, endpoint and region" \
"litestream [restore] [-config] [/etc/litestream.yml] [-if-db-not-exists] [-if-replica-exists] [/data/x.db] bucket=tb endpoint=https://fly.storage.tigris.dev region=auto path=litmus db=/data/x.db
litestream [replicate] [-config] [/etc/litestream.yml] [-exec] [$work/bin/litmus serve] bucket=tb endpoint=https://fly.storage.tigris.dev region=auto path=litmus db=/data/x.db" \
	BUCKET_NAME=tb AWS_ENDPOINT_URL_S3=https://fly.storage.tigris.dev AWS_REGION=auto LITMUS_DB=/data/x.db -- serve

run "LITESTREAM_* settings win over the Tigris ones" \
"litestream [restore] [-config] [/etc/litestream.yml] [-if-db-not-exists] [-if-replica-exists] [/data/litmus.db] bucket=mine endpoint=https://r2.example region=auto path=shop db=/data/litmus.db
litestream [replicate] [-config] [/etc/litestream.yml] [-exec] [$work/bin/litmus serve] bucket=mine endpoint=https://r2.example region=auto path=shop db=/data/litmus.db" \
	LITESTREAM_BUCKET=mine BUCKET_NAME=tb LITESTREAM_ENDPOINT=https://r2.example AWS_ENDPOINT_URL_S3=https://fly.storage.tigris.dev LITESTREAM_REGION=auto LITESTREAM_PATH=shop -- serve

run "without a bucket Litmus still starts, alone" \
"litmus [serve] bucket= endpoint= region= path=litmus db=/data/litmus.db" \
	-- serve

run "other subcommands run Litmus alone, with their arguments" \
"litmus [backup] [/data/copy of.db] bucket=b endpoint= region= path=litmus db=/data/litmus.db" \
	LITESTREAM_BUCKET=b -- backup "/data/copy of.db"

run "a failed restore stops the start: no empty database next to a full backup" \
"litestream [restore] [-config] [/etc/litestream.yml] [-if-db-not-exists] [-if-replica-exists] [/data/litmus.db] bucket=b endpoint= region= path=litmus db=/data/litmus.db" \
	LITESTREAM_BUCKET=b FAKE_EXIT_litestream=1 -- serve

echo "litestream-run: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
