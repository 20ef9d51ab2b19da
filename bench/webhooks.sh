#!/usr/bin/env bash
# webhooks.sh: what signed webhooks cost a signup, and whether the outbox keeps up (issue 15).
#
#   bash bench/webhooks.sh        # about 3 minutes; needs wrk and curl
#
# For each of BENCH_RUNS rounds it starts Litmus twice on fresh databases, once without
# webhooks and once with LITMUS_WEBHOOK_URL pointing at bench/receiver (a real listener that
# verifies every signature), and sends BENCH_DURATION seconds of signups through the real
# form with bench/signup.lua (64 connections, as load.sh). It prints the signup rate and the
# server CPU per signup of both, the outbox backlog when the signups stop, how long it then
# takes to drain, and that the receiver accepted one webhook per stored signup.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(dirname "$here")
duration=${BENCH_DURATION:-10}
runs=${BENCH_RUNS:-3}
conns=64
port=${BENCH_PORT:-18180}
agent='Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36'
say() { printf '%s\n' "$*" >&2; }
die() { say "webhooks.sh: $*"; exit 1; }
command -v wrk >/dev/null || die "wrk is missing (apt-get install wrk)"
command -v sqlite3 >/dev/null || die "sqlite3 is missing (apt-get install sqlite3)"

work=$(mktemp -d "${BENCH_TMPDIR:-/var/tmp}/litmus-webhooks.XXXXXX")
pids=()
cleanup() {
	for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
	wait 2>/dev/null || true
	rm -rf "$work"
}
trap cleanup EXIT
ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
hz=$(getconf CLK_TCK)
wait_up() { for _ in $(seq 100); do curl -fsS -o /dev/null "$1" 2>/dev/null && return; sleep 0.1; done; cat "$2" >&2; die "$1 did not come up"; }

say "building in $work (load average $(cut -d' ' -f1-3 /proc/loadavg))"
(cd "$root" && go build -o "$work/litmus" . && go build -o "$work/receiver" ./bench/receiver)
secret="whsec_$(head -c 32 /dev/urandom | base64 -w0)"
"$work/receiver" -addr "127.0.0.1:$((port + 50))" -secret "$secret" >"$work/receiver.log" 2>&1 &
pids+=($!)
wait_up "http://127.0.0.1:$((port + 50))/count" "$work/receiver.log"

# one MODE RUN: prints "signups/s cpu-µs-per-signup backlog-at-end drain-seconds accepted ids"
one() {
	local mode=$1 run=$2 db="$work/$1-$2.db" url="http://127.0.0.1:$port" murl="http://127.0.0.1:$((port + 11))/metrics"
	local -a env=(LITMUS_DB="$db" LITMUS_ADDR="127.0.0.1:$port" LITMUS_METRICS_ADDR="127.0.0.1:$((port + 11))"
		LITMUS_SIGNUP_LIMIT=0 LITMUS_SIGNUP_GLOBAL_LIMIT=0 LITMUS_ADMIN_PASSWORD="bench-$RANDOM-$RANDOM-$RANDOM")
	[[ $mode == off ]] || env+=(LITMUS_WEBHOOK_URL="http://127.0.0.1:$((port + 50))/hook" LITMUS_WEBHOOK_SECRET="$secret")
	env "${env[@]}" "$work/litmus" >"$work/litmus-$mode-$run.log" 2>&1 &
	local pid=$!
	pids+=("$pid")
	wait_up "$url/healthz" "$work/litmus-$mode-$run.log"
	: >"$work/tokens.txt"
	for _ in $(seq 256); do
		curl -fsS -A "$agent" -D "$work/h" -o "$work/f.html" "$url/"
		printf '%s %s\n' "$(sed -n 's/.*name="_token" value="\([^"]*\)".*/\1/p' "$work/f.html")" \
			"$(tr -d '\r' <"$work/h" | sed -n 's/^[Ss]et-[Cc]ookie: litmus_vid=\([^;]*\);.*/\1/p')" >>"$work/tokens.txt"
	done
	sleep 2.1
	local before t0 t1 out="$work/wrk-$mode-$run.txt"
	before=$(curl -fsS "http://127.0.0.1:$((port + 50))/count" | cut -d' ' -f1)
	t0=$(ticks "$pid")
	wrk -t8 -c"$conns" -d"${duration}s" -s "$here/signup.lua" "$url" -- "$work/tokens.txt" "$mode$run" >"$out"
	t1=$(ticks "$pid")
	local acked rate backlog=0 drain=0 start
	read -r acked _ _ < <(awk '/^signups:/ {print $3, $5, $7}' "$out")
	rate=$(awk '/^Requests\/sec:/ {print $2}' "$out")
	if [[ $mode == on ]]; then
		backlog=$(curl -fsS "$murl" | awk '$1 == "litmus_outbox_pending_messages" {print $2}')
		start=$(date +%s.%N)
		while [[ $(curl -fsS "$murl" | awk '$1 == "litmus_outbox_pending_messages" {print $2}') != 0 ]]; do sleep 0.1; done
		drain=$(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN {printf "%.1f", b - a}')
	fi
	read -r got ids bad < <(curl -fsS "http://127.0.0.1:$((port + 50))/count")
	# wrk counts the 303s it read; the signups in flight when it stopped were stored too.
	stored=$(sqlite3 "$db" "SELECT count(*) FROM signups")
	kill "$pid"; wait "$pid" 2>/dev/null || true
	printf '%s %s %s %s %s %s %s\n' "$rate" \
		"$(awk -v a="$t0" -v b="$t1" -v n="$acked" -v hz="$hz" 'BEGIN {printf "%.1f", (b - a) * 1e6 / hz / n}')" \
		"$backlog" "$drain" "$((got - before))" "$stored" "$bad"
}

for i in $(seq "$runs"); do
	read -r r c _ _ _ _ _ < <(one off "$i")
	say "run $i webhooks off: $r signups/s, $c µs CPU per signup"
	read -r r c b d g a bad < <(one on "$i")
	say "run $i webhooks on:  $r signups/s, $c µs CPU per signup; backlog $b when the signups stopped, drained in ${d}s; receiver accepted $g webhooks for $a stored signups ($bad bad signatures)"
	((g == a)) || say "  MISMATCH: $g webhooks for $a signups"
done
say "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
