#!/usr/bin/env bash
# load.sh: measure Litmus under load against yardsticks measured in the same run, on this
# machine and this disk, and check that every acknowledged signup was kept.
#
#   bash bench/load.sh            # about 5 minutes; prints a summary at the end
#
# What it does (bench/README.md explains each number and RESULTS.md records them):
#   1. builds Litmus, bench/reference and bench/sqliteceiling;
#   2. starts Litmus on a fresh database in a temporary directory on disk (signup limits
#      off), then the reference server, a bare Fiber app sending the bytes Litmus sent;
#   3. GET / as new visitors (no cookie) and as a returning visitor (cookie), Litmus and the
#      reference in turn, RUNS times each;
#   4. signups through the real form (bench/signup.lua, pre-fetched tokens and cookies, a
#      unique email each), each run followed by SQLite's group-commit ceiling on the same
#      disk (bench/sqliteceiling), then one shorter run where every acknowledged email is
#      logged;
#   5. GET / latency at half the highest new-visitor rate (bench/paced.lua), and the
#      reference's at the same pace, to show what the machine itself adds;
#   6. reads Litmus's peak memory, kills it with SIGKILL (no clean shutdown) and checks that
#      every signup answered 303 is in the database file.
# Every run is a median of RUNS. Settings, from the environment:
#   BENCH_DURATION (10, seconds per run), BENCH_RUNS (3), BENCH_CONNECTIONS (64),
#   BENCH_THREADS (2, wrk threads), BENCH_PORT (18080: Litmus; +1 reference; +11 metrics),
#   BENCH_TMPDIR (/var/tmp: must be on the disk to measure, not tmpfs), BENCH_KEEP=1 keeps
#   the temporary directory (databases, wrk outputs, logs), BENCH_NICE (unset; e.g. -10 as
#   root: run the servers, wrk and the ceiling at that priority on a machine shared with
#   other work).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(dirname "$here")
duration=${BENCH_DURATION:-10}
runs=${BENCH_RUNS:-3}
conns=${BENCH_CONNECTIONS:-64}
threads=${BENCH_THREADS:-2}
port=${BENCH_PORT:-18080}
litmus_url="http://127.0.0.1:$port"
ref_url="http://127.0.0.1:$((port + 1))"
metrics_url="http://127.0.0.1:$((port + 11))/metrics"
agent='Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36'
tokens=256 # forms fetched before the signup runs
# BENCH_NICE (e.g. -10, as root) runs the servers, wrk and the ceiling at that priority, so
# that other work on a shared machine disturbs the figures less.
prio=()
if [[ -n ${BENCH_NICE:-} ]]; then
	[[ $BENCH_NICE =~ ^-?[0-9]+$ ]] || { echo "load.sh: BENCH_NICE must be a number such as -10" >&2; exit 1; }
	prio=(nice -n "$BENCH_NICE")
fi

say() { printf '%s\n' "$*" >&2; }
die() { say "load.sh: $*"; exit 1; }

for n in "$duration" "$runs" "$conns" "$threads" "$port"; do
	[[ $n =~ ^[0-9]+$ && $n -gt 0 ]] || die "settings must be positive whole numbers, got '$n'"
done
((threads <= conns)) || die "BENCH_THREADS ($threads) must not exceed BENCH_CONNECTIONS ($conns)"

# need installs a Debian package when its command is missing and we are root.
need() {
	local cmd=$1 pkg=${2:-$1}
	command -v "$cmd" >/dev/null && return
	[[ $(id -u) == 0 ]] || die "$cmd is missing: install the Debian package $pkg (apt-get install -y $pkg)"
	say "installing $pkg"
	apt-get install -y "$pkg" >/dev/null 2>&1 || { apt-get update >/dev/null && apt-get install -y "$pkg" >/dev/null; }
}
need wrk
need curl
need sqlite3
command -v go >/dev/null || die "go is missing"

work=$(mktemp -d "${BENCH_TMPDIR:-/var/tmp}/litmus-bench.XXXXXX")
[[ $(stat -f -c %T "$work") != tmpfs ]] || say "warning: $work is on tmpfs, where fsync costs nothing: the signup numbers will not be those of a disk"
pids=()
cleanup() {
	local pid
	for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
	wait 2>/dev/null || true
	if [[ ${BENCH_KEEP:-} == 1 ]]; then say "kept $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT

# wait_up waits until url answers 200, or fails naming the log to read.
wait_up() {
	local url=$1 log=$2 i
	for i in $(seq 100); do
		curl -fsS -o /dev/null "$url" 2>/dev/null && return
		sleep 0.1
	done
	cat "$log" >&2
	die "$url did not come up (log above)"
}

# rate prints wrk's requests per second from its output file; it fails on socket errors, and
# on unexpected statuses unless told the run sends redirects.
rate() {
	local out=$1 allow_3xx=${2:-}
	if grep -q 'Socket errors' "$out"; then cat "$out" >&2; die "wrk saw socket errors (output above)"; fi
	if [[ -z $allow_3xx ]] && grep -q 'Non-2xx or 3xx' "$out"; then cat "$out" >&2; die "wrk saw error statuses (output above)"; fi
	awk '/^Requests\/sec:/ {print $2}' "$out"
}
median() { printf '%s\n' "$@" | sort -g | awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", a / b}'; }
# p99_ms prints the 99th percentile of wrk --latency output in milliseconds.
p99_ms() {
	awk '$1 == "99%" {v = $2; u = v; sub(/[0-9.]+/, "", u); sub(/[a-z]+$/, "", v);
		f = u == "us" ? 0.001 : u == "ms" ? 1 : u == "s" ? 1000 : u == "m" ? 60000 : -1
		if (f < 0) exit 1
		printf "%.2f", v * f}' "$1" || die "no 99% latency in $1"
}
# metric sums the values of a Prometheus series (name and labels as printed) at the metrics port.
metric() { curl -fsS "$metrics_url" | awk -v m="$1" '$1 == m {s += $2} END {printf "%.6f", s}'; }
# page_hist prints "le count" lines of Litmus's own duration histogram for GET / answered 200.
page_hist() {
	curl -fsS "$metrics_url" | awk '/^litmus_http_request_duration_seconds_bucket\{/ && /route="page"/ && /method="GET"/ && /code="200"/ {
		match($0, /le="[^"]*"/); print substr($0, RSTART + 4, RLENGTH - 5), $2}'
}
# hist_p99 prints the upper bound (ms) of the bucket holding the 99th percentile between two
# page_hist snapshots.
hist_p99() {
	paste "$1" "$2" | awk '{le[NR] = $1; n[NR] = $4 - $2} END {for (i = 1; i <= NR; i++) if (n[i] >= 0.99 * n[NR]) {
		print (le[i] == "+Inf" ? "inf" : le[i] * 1000); exit}}'
}
# get_vid prints the litmus_vid cookie Litmus sets for a new visitor; the page goes to $2.
get_vid() {
	curl -fsS -A "$agent" -D "$work/headers" -o "$1" "$litmus_url/"
	tr -d '\r' <"$work/headers" | sed -n 's/^[Ss]et-[Cc]ookie: litmus_vid=\([^;]*\);.*/\1/p'
}

load0=$(cut -d' ' -f1-3 /proc/loadavg)
awk -v l="${load0%% *}" -v n="$(nproc)" 'BEGIN {exit !(l > n / 2)}' &&
	say "warning: load average $load0 on $(nproc) cores: other programs are busy, the figures will be lower and noisier"
say "building in $work"
(cd "$root" && go build -o "$work/litmus" . && go build -o "$work/reference" ./bench/reference &&
	go build -o "$work/sqliteceiling" ./bench/sqliteceiling)

say "starting Litmus on $litmus_url"
LITMUS_DB="$work/litmus.db" LITMUS_ADDR="127.0.0.1:$port" LITMUS_METRICS_ADDR="127.0.0.1:$((port + 11))" \
	LITMUS_SIGNUP_LIMIT=0 LITMUS_SIGNUP_GLOBAL_LIMIT=0 LITMUS_ADMIN_PASSWORD="load-test-$RANDOM-$RANDOM-$RANDOM" \
	"${prio[@]}" "$work/litmus" >"$work/litmus.log" 2>&1 &
litmus_pid=$!
pids+=("$litmus_pid")
wait_up "$litmus_url/healthz" "$work/litmus.log"
"${prio[@]}" "$work/reference" -from "$litmus_url/" -addr "127.0.0.1:$((port + 1))" >"$work/reference.log" 2>&1 &
ref_pid=$!
pids+=("$ref_pid")
wait_up "$ref_url/" "$work/reference.log"

returning=$(get_vid "$work/page.html")
[[ -n $returning ]] || die "Litmus set no visitor cookie for a browser"
litmus_bytes=$(wc -c <"$work/page.html")
ref_bytes=$(curl -fsS -A "$agent" "$ref_url/" | wc -c)
say "page: $litmus_bytes bytes from Litmus, $ref_bytes from the reference"

# ticks prints the CPU time (user + system, in clock ticks) process $1 has used so far.
ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
hz=$(getconf CLK_TCK)

# wrk_get prints "requests/s CPU-µs-per-request" for GET / on server pid $2 at url $3, with
# the visitor cookie $4 (none: a new visitor each time); $1 names the output file.
wrk_get() {
	local out="$work/get-$1.txt" t0 t1 n r
	local -a cookie=()
	[[ -z $4 ]] || cookie=(-H "Cookie: litmus_vid=$4")
	t0=$(ticks "$2")
	"${prio[@]}" wrk -t"$threads" -c"$conns" -d"${duration}s" -H "User-Agent: $agent" "${cookie[@]}" "$3/" >"$out"
	t1=$(ticks "$2")
	r=$(rate "$out")
	n=$(awk '/requests in/ {print $1}' "$out")
	printf '%s %s\n' "$r" "$(awk -v a="$t0" -v b="$t1" -v n="$n" -v hz="$hz" 'BEGIN {printf "%.1f", (b - a) * 1e6 / hz / n}')"
}

say "warming up"
"${prio[@]}" wrk -t"$threads" -c"$conns" -d2s -H "User-Agent: $agent" "$litmus_url/" >/dev/null
"${prio[@]}" wrk -t"$threads" -c"$conns" -d2s -H "User-Agent: $agent" "$ref_url/" >/dev/null

declare -a ln lr rn rr lnc lrc rnc rrc
for i in $(seq "$runs"); do
	say "GET / run $i of $runs ($conns connections, ${duration}s each)"
	read -r r c < <(wrk_get "litmus-new-$i" "$litmus_pid" "$litmus_url" "") || die "GET / on Litmus failed"
	ln+=("$r") lnc+=("$c")
	read -r r c < <(wrk_get "reference-new-$i" "$ref_pid" "$ref_url" "") || die "GET / on the reference failed"
	rn+=("$r") rnc+=("$c")
	read -r r c < <(wrk_get "litmus-returning-$i" "$litmus_pid" "$litmus_url" "$returning") || die "GET / on Litmus failed"
	lr+=("$r") lrc+=("$c")
	read -r r c < <(wrk_get "reference-returning-$i" "$ref_pid" "$ref_url" "$returning") || die "GET / on the reference failed"
	rr+=("$r") rrc+=("$c")
	say "  new: Litmus ${ln[-1]}/s (${lnc[-1]} µs CPU each), reference ${rn[-1]}/s (${rnc[-1]} µs);" \
		"returning: Litmus ${lr[-1]}/s (${lrc[-1]} µs), reference ${rr[-1]}/s (${rrc[-1]} µs)"
done
new_l=$(median "${ln[@]}") new_r=$(median "${rn[@]}")
ret_l=$(median "${lr[@]}") ret_r=$(median "${rr[@]}")
cpu_nl=$(median "${lnc[@]}") cpu_nr=$(median "${rnc[@]}") cpu_rl=$(median "${lrc[@]}") cpu_rr=$(median "${rrc[@]}")

say "fetching $tokens forms (token + visitor cookie) for the signups"
: >"$work/tokens.txt"
for i in $(seq "$tokens"); do
	vid=$(get_vid "$work/form.html")
	tok=$(sed -n 's/.*name="_token" value="\([^"]*\)".*/\1/p' "$work/form.html")
	[[ -n $vid && -n $tok ]] || die "a page without a visitor cookie or a form token"
	printf '%s %s\n' "$tok" "$vid" >>"$work/tokens.txt"
done
sleep 2.1 # the time trap: a form younger than 2 s is a bot's

declare -a sl sc acked built batch
items0=$(metric litmus_db_commit_items_sum) commits0=$(metric litmus_db_commit_items_count)
for i in $(seq "$runs"); do
	say "signups run $i of $runs ($conns connections), then SQLite's ceiling"
	out="$work/signup-$i.txt"
	"${prio[@]}" wrk -t"$threads" -c"$conns" -d"${duration}s" -s "$here/signup.lua" "$litmus_url" -- "$work/tokens.txt" "$i" >"$out"
	sl+=("$(rate "$out" allow-3xx)")
	read -r a r b < <(awk '/^signups:/ {print $3, $5, $7}' "$out") || die "no signup summary in $out"
	((r == 0)) || { cat "$out" >&2; die "$r signups were refused (not 303 to the thanks page)"; }
	acked+=("$a") built+=("$b")
	"${prio[@]}" "$work/sqliteceiling" -db "$work/ceiling-$i.db" -producers "$conns" -duration "${duration}s" >"$work/ceiling-$i.txt"
	sc+=("$(awk '{print $2}' "$work/ceiling-$i.txt")")
	say "  Litmus ${sl[-1]} signups/s ($a acknowledged); SQLite ceiling ${sc[-1]} inserts/s ($(cat "$work/ceiling-$i.txt"))"
done
items1=$(metric litmus_db_commit_items_sum) commits1=$(metric litmus_db_commit_items_count)
sig_l=$(median "${sl[@]}") sig_c=$(median "${sc[@]}")
mean_batch=$(awk -v a="$items0" -v b="$items1" -v c="$commits0" -v d="$commits1" 'BEGIN {printf "%.1f", (b - a) / (d - c)}')

say "exact check run: one connection per wrk thread, every acknowledged email logged (5s)"
out="$work/signup-x.txt"
"${prio[@]}" wrk -t"$conns" -c"$conns" -d5s -s "$here/signup.lua" "$litmus_url" -- "$work/tokens.txt" x "$work" >"$out"
rate "$out" allow-3xx >/dev/null
read -r xa xr xb < <(awk '/^signups:/ {print $3, $5, $7}' "$out") || die "no signup summary in $out"
((xr == 0)) || { cat "$out" >&2; die "$xr signups were refused in the exact check run"; }

half=$(awk -v r="$new_l" 'BEGIN {printf "%d", r / 2}')
pause=10 # ms between a connection's requests
pc=$(awk -v t="$half" -v p="$pause" 'BEGIN {c = int(t * p / 1000 + 0.5); print (c < 2 ? 2 : c)}')
"${prio[@]}" wrk -t"$threads" -c"$pc" -d3s --latency -s "$here/paced.lua" -H "User-Agent: $agent" "$litmus_url/" -- "$pause" >"$work/paced-calibrate.txt"
got=$(rate "$work/paced-calibrate.txt")
pc=$(awk -v c="$pc" -v t="$half" -v g="$got" 'BEGIN {c = int(c * t / g + 0.5); print (c < 2 ? 2 : c)}')
declare -a p99 prate rp99
page_hist >"$work/hist-before"
for i in $(seq "$runs"); do
	say "GET / latency run $i of $runs at about $half/s ($pc connections, ${pause}ms pause each), Litmus then the reference"
	out="$work/paced-$i.txt"
	"${prio[@]}" wrk -t"$threads" -c"$pc" -d"${duration}s" --latency -s "$here/paced.lua" -H "User-Agent: $agent" "$litmus_url/" -- "$pause" >"$out"
	prate+=("$(rate "$out")")
	p99+=("$(p99_ms "$out")")
	out="$work/paced-reference-$i.txt"
	"${prio[@]}" wrk -t"$threads" -c"$pc" -d"${duration}s" --latency -s "$here/paced.lua" -H "User-Agent: $agent" "$ref_url/" -- "$pause" >"$out"
	rp99+=("$(p99_ms "$out")")
	say "  Litmus ${prate[-1]}/s, p99 ${p99[-1]} ms; reference at the same pace: p99 ${rp99[-1]} ms"
done
lat_rate=$(median "${prate[@]}") lat_p99=$(median "${p99[@]}") ref_p99=$(median "${rp99[@]}")
page_hist >"$work/hist-after"
server_p99=$(hist_p99 "$work/hist-before" "$work/hist-after")

peak_kb=$(awk '/^VmHWM:/ {print $2}' "/proc/$litmus_pid/status")
kill -KILL "$litmus_pid"
wait "$litmus_pid" 2>/dev/null || true

say "Litmus killed with SIGKILL; checking the database file"
db="$work/litmus.db"
[[ $(sqlite3 "$db" 'PRAGMA quick_check') == ok ]] || die "the database file is damaged: sqlite3 PRAGMA quick_check failed"
lost=0
for i in $(seq "$runs"); do
	n=$(sqlite3 "$db" "SELECT count(*) FROM signups WHERE page = 'chaser' AND email LIKE 'r${i}t%@bench.example'")
	idx=$((i - 1))
	if ((n < acked[idx])); then
		say "  run $i: ${acked[idx]} acknowledged but only $n stored"
		lost=1
	elif ((n > built[idx])); then
		say "  run $i: $n stored but only ${built[idx]} sent"
		lost=1
	fi
done
cat "$work"/acked-x-*.txt >"$work/acked-x.txt"
[[ $(wc -l <"$work/acked-x.txt") -eq $xa ]] || die "the exact run logged $(wc -l <"$work/acked-x.txt") emails for $xa acknowledgements"
missing=$(sqlite3 "$db" <<SQL
CREATE TEMP TABLE acked (email TEXT);
.import $work/acked-x.txt acked
SELECT count(*) FROM acked WHERE email NOT IN (SELECT email FROM signups WHERE page = 'chaser');
SQL
)
((missing == 0)) || lost=1
stored=$(sqlite3 "$db" "SELECT count(*) FROM signups WHERE email LIKE '%@bench.example'")
total_acked=$(( $(printf '%s+' "${acked[@]}")0 + xa ))

verdict() { awk -v v="$1" -v t="$2" -v op="$3" 'BEGIN {ok = (op == ">=") ? v >= t : v <= t; print ok ? "met" : "MISSED"}'; }
# Each ratio is the median of the runs' own ratios: Litmus and its yardstick ran back to back,
# so a run's pair saw the same machine, which a ratio of two medians would not respect.
paired() { # name of array A, name of array B: median of A[i] / B[i]
	local -n a=$1 b=$2
	local i out=()
	for i in "${!a[@]}"; do out+=("$(ratio "${a[i]}" "${b[i]}")"); done
	median "${out[@]}"
}
r_new=$(paired ln rn) r_ret=$(paired lr rr) r_sig=$(paired sl sc)
r_new=$(printf '%.2f' "$r_new") r_ret=$(printf '%.2f' "$r_ret") r_sig=$(printf '%.2f' "$r_sig")
peak_mb=$(awk -v k="$peak_kb" 'BEGIN {printf "%.1f", k / 1024}')
cat <<EOF

Litmus load test: $(nproc) cores, $runs runs of ${duration}s; rates are medians, ratios the median of each run's ratio; wrk $threads threads on the same machine
commit $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown), nice ${BENCH_NICE:-0}, $(date -u +%Y-%m-%dT%H:%MZ); load average at start $load0, at end $(cut -d' ' -f1-3 /proc/loadavg)

GET / new visitors      $new_l/s vs reference $new_r/s   ratio $r_new  (target >= 0.6: $(verdict "$r_new" 0.6 ">="))
  server CPU per request: Litmus $cpu_nl µs, reference $cpu_nr µs
GET / returning visitor $ret_l/s vs reference $ret_r/s   ratio $r_ret  (target >= 0.8: $(verdict "$r_ret" 0.8 ">="))
  server CPU per request: Litmus $cpu_rl µs, reference $cpu_rr µs
signups ($conns conns)      $sig_l/s vs SQLite ceiling $sig_c inserts/s   ratio $r_sig  (target >= 0.4: $(verdict "$r_sig" 0.4 ">="))
  mean writes per commit during the signup runs: $mean_batch
GET / p99 at $lat_rate/s (half of $new_l/s, paced wrk, $pc conns)   $lat_p99 ms  (target <= 10: $(verdict "$lat_p99" 10 "<="))
  the reference at the same pace: p99 $ref_p99 ms (what the machine itself adds)
  Litmus's own handler time (litmus_http_request_duration_seconds): 99% within ${server_p99} ms
Litmus peak RSS (VmHWM)  $peak_mb MB  (target <= 128: $(verdict "$peak_mb" 128 "<="))
acknowledged signups     $total_acked, stored $stored after SIGKILL; exact check: $xa logged, $missing missing  ($( ((lost == 0)) && echo "every one kept: met" || echo "LOST SOME: MISSED"))

runs: new ${ln[*]} | ref ${rn[*]} | returning ${lr[*]} | ref ${rr[*]} | signups ${sl[*]} | ceiling ${sc[*]} | p99 ${p99[*]} | ref p99 ${rp99[*]}
EOF
((lost == 0)) || exit 1
