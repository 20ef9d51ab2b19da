#!/usr/bin/env bash
# litefs.sh: the same load as load.sh's, through LiteFS, next to one machine on plain disk,
# in one run on this machine (docs/high-availability.md; figures in RESULTS.md).
#
#   LITEFS=/path/to/litefs bash bench/litefs.sh     # as root: FUSE mounts need it; ~4 minutes
#
# It builds Litmus, starts two LiteFS nodes on loopback (static lease: A primary, B replica)
# with Litmus on each (LITMUS_LITEFS_CONFIRM=2s: a signup waits for B to hold it), and a
# single Litmus on a plain-disk file. Then, for each, RUNS runs of DURATION seconds of wrk
# (64 connections): GET / as new visitors (an exposure each), and signups through the real
# form (bench/signup.lua), with 64 connections and then with one (a signup's own latency).
# Each line is the median rate and the median p99 of the runs
# (wrk --latency; closed loop at saturation, so the p99 is the queueing at full load, not a
# paced latency). Settings: BENCH_DURATION (8), BENCH_RUNS (3), BENCH_TMPDIR (/var/tmp).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(dirname "$here")
duration=${BENCH_DURATION:-8}
runs=${BENCH_RUNS:-3}
litefs=${LITEFS:-$(command -v litefs || true)}
agent='Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36'
say() { printf '%s\n' "$*" >&2; }
die() { say "litefs.sh: $*"; exit 1; }
[[ -x $litefs ]] || die "set LITEFS to a litefs binary (go install github.com/superfly/litefs/cmd/litefs@v0.5.14)"
command -v wrk >/dev/null && command -v curl >/dev/null && command -v fusermount3 >/dev/null || die "needs wrk, curl and fusermount3 (apt-get install wrk curl fuse3)"

work=$(mktemp -d "${BENCH_TMPDIR:-/var/tmp}/litmus-litefs-bench.XXXXXX")
pids=()
cleanup() {
	for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
	wait 2>/dev/null || true
	fusermount3 -uz "$work/a/mnt" 2>/dev/null || true
	fusermount3 -uz "$work/b/mnt" 2>/dev/null || true
	rm -rf "$work"
}
trap cleanup EXIT
port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

say "building litmus"
(cd "$root" && go build -o "$work/litmus" .)

pa=$(port) pb=$(port)
node() { # node NAME PORT CANDIDATE
	mkdir -p "$work/$1/mnt"
	cat >"$work/$1/litefs.yml" <<YML
fuse: {dir: "$work/$1/mnt"}
data: {dir: "$work/$1/data"}
http: {addr: "127.0.0.1:$2"}
lease: {type: static, candidate: $3, hostname: nodeA, advertise-url: "http://127.0.0.1:$pa"}
YML
	"$litefs" mount -config "$work/$1/litefs.yml" >"$work/$1/litefs.log" 2>&1 &
	pids+=($!)
}
node a "$pa" true
for _ in $(seq 100); do [[ -e $work/a/mnt/.lag ]] && break; sleep 0.1; done
node b "$pb" false
for _ in $(seq 100); do [[ -e $work/b/mnt/.primary ]] && break; sleep 0.1; done
[[ -e $work/b/mnt/.primary ]] || die "the LiteFS replica did not connect: $(cat "$work/b/litefs.log")"

litmus() { # litmus NAME DB LITEFS_DIR: starts it (in this shell, so cleanup can stop it); sets url
	local pub met
	pub=$(port) met=$(port)
	env LITMUS_DB="$2" LITMUS_LITEFS_DIR="$3" LITMUS_LITEFS_HOST=127.0.0.1 LITMUS_LITEFS_CONFIRM=2s \
		LITMUS_ADDR="127.0.0.1:$pub" LITMUS_METRICS_ADDR="127.0.0.1:$met" LITMUS_ADMIN_PASSWORD=bench-password-123 \
		LITMUS_SIGNUP_LIMIT=0 LITMUS_SIGNUP_GLOBAL_LIMIT=0 "$work/litmus" serve >"$work/$1.log" 2>&1 &
	pids+=($!)
	for _ in $(seq 300); do curl -fsS "http://127.0.0.1:$pub/healthz" >/dev/null 2>&1 && break; sleep 0.1; done
	url="http://127.0.0.1:$pub"
}
litmus single "$work/plain/litmus.db" "" && single=$url
litmus primary "$work/a/mnt/litmus.db" "$work/a/mnt" && primary=$url
litmus replica "$work/b/mnt/litmus.db" "$work/b/mnt" && replica=$url
curl -fsS "$replica/healthz" | grep -q 'role: replica' || die "the replica is not serving: $(cat "$work/replica.log")"

median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
ms() { # wrk's 99% latency in ms
	awk '$1=="99%" {v=$2; if (v ~ /us$/) {sub(/us/,"",v); v/=1000} else if (v ~ /ms$/) {sub(/ms/,"",v)} else if (v ~ /s$/) {sub(/s/,"",v); v*=1000}; print v}' "$1"
}
tokens() { # tokens URL FILE: 256 forms (token, visitor cookie)
	: >"$2"
	for _ in $(seq 256); do
		curl -fsS -A "$agent" -D "$work/h" -o "$work/f.html" "$1/"
		printf '%s %s\n' "$(sed -n 's/.*name="_token" value="\([^"]*\)".*/\1/p' "$work/f.html")" \
			"$(tr -d '\r' <"$work/h" | sed -n 's/^[Ss]et-[Cc]ookie: litmus_vid=\([^;]*\);.*/\1/p')" >>"$2"
	done
}
measure() { # measure KEY LABEL URL get|signup
	local key=$1 rates=() p99s=() refused=0 out
	shift
	local conns=64 threads=2
	[[ $3 == signup1 ]] && conns=1 threads=1
	[[ $3 == signup* ]] && { tokens "$2" "$work/tokens-$key.txt"; sleep 2.1; }
	for i in $(seq "$runs"); do
		out="$work/$key-$i.txt"
		if [[ $3 == get ]]; then
			wrk -t"$threads" -c"$conns" -d"${duration}s" --latency -H "User-Agent: $agent" "$2/" >"$out"
		else
			wrk -t"$threads" -c"$conns" -d"${duration}s" --latency -s "$here/signup.lua" "$2" -- "$work/tokens-$key.txt" "$key$i" >"$out"
			refused=$((refused + $(sed -n 's/^signups: acked [0-9]* refused \([0-9]*\).*/\1/p' "$out")))
		fi
		rates+=("$(awk '/^Requests\/sec:/ {print $2}' "$out")")
		p99s+=("$(ms "$out")")
	done
	printf '%-34s %9.0f/s   p99 %7.2f ms   runs: %s%s\n' "$1" "$(median "${rates[@]}")" "$(median "${p99s[@]}")" "${rates[*]}" \
		"$([[ $3 == signup* ]] && echo "   not acknowledged: $refused")"
}

say "measuring ($runs runs of ${duration}s each; load average $(cut -d' ' -f1-3 /proc/loadavg))"
{
	echo "LiteFS load test: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg), median of $runs runs of ${duration}s, wrk 2 threads 64 connections"
	measure g1 "GET / new visitors, one machine" "$single" get
	measure g2 "GET / new visitors, LiteFS primary" "$primary" get
	measure g3 "GET / new visitors, LiteFS replica" "$replica" get
	measure s1 "signups, one machine" "$single" signup
	measure s2 "signups, LiteFS primary (confirmed)" "$primary" signup
	measure s3 "signups via the replica (forwarded)" "$replica" signup
	measure o1 "one visitor at a time, one machine" "$single" signup1
	measure o2 "one visitor at a time, LiteFS primary" "$primary" signup1
	measure o3 "one visitor at a time, via replica" "$replica" signup1
} | tee "$work/summary.txt"
met=$(sed -n 's/.* metrics=\([0-9.:]*\).*/\1/p' "$work/replica.log" | head -1)
say "replica's exposure shipping: $(curl -fsS "http://$met/metrics" | grep '^litmus_litefs_exposures' | tr '\n' ' ')"
for f in primary replica; do
	n=$(grep -c 'level=ERROR' "$work/$f.log" || true)
	say "$f: $n error lines in its log"
done
