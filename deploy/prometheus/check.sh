#!/usr/bin/env bash
# Checks the operator kit in deploy/: Prometheus rules and their unit tests,
# the example Prometheus configurations, the Grafana dashboard, fly.toml,
# the Dockerfiles and the Litestream entry point.
#
#   deploy/prometheus/check.sh                 check the files
#   deploy/prometheus/check.sh URL             also check a running Litmus's
#                                              metrics, e.g. http://localhost:9091/metrics
#
# Needs promtool (Debian package "prometheus"; installed here when missing
# and running as root, as in CI) and python3 3.11 or newer. Every check runs
# even after one fails; the last line counts them.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
deploy="$(dirname "$here")"

if ! command -v promtool >/dev/null 2>&1; then
	if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
		echo "promtool is missing: installing Debian's prometheus package"
		apt-get update -qq
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends prometheus >/dev/null
	else
		echo "check.sh: promtool is missing. Install it with 'sudo apt-get install prometheus'" >&2
		echo "(Debian, Ubuntu) or from https://prometheus.io/download/, then run this again." >&2
		exit 1
	fi
fi
if ! python3 -c 'import sys, tomllib; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
	echo "check.sh: python3 3.11 or newer is needed (for tomllib); install Debian's python3." >&2
	exit 1
fi

passed=0
failed=0

# check NAME COMMAND...: runs one check, shows its output only if it fails.
check() {
	local name="$1" out
	shift
	if out="$("$@" 2>&1)"; then
		passed=$((passed + 1))
		echo "ok   $name"
	else
		failed=$((failed + 1))
		echo "FAIL $name"
		printf '%s\n' "$out" | sed 's/^/     /'
	fi
}

cd "$here"
promtool --version 2>&1 | sed -n 1p
check "rules.yml is valid" promtool check rules rules.yml
check "rules_test.yml: every rule behaves as specified" promtool test rules rules_test.yml
check "prometheus.yml is valid" promtool check config prometheus.yml
check "prometheus-fly.yml is valid" promtool check config prometheus-fly.yml
check "grafana/litmus.json is valid JSON" python3 -m json.tool "$deploy/grafana/litmus.json"
check "kit files fit together (deploy/check_kit.py)" python3 "$deploy/check_kit.py"
check "litestream-run.sh decisions (deploy/litestream-run_test.sh)" bash "$deploy/litestream-run_test.sh"

if [ $# -ge 1 ]; then
	metrics="$(mktemp)"
	trap 'rm -f "$metrics"' EXIT
	if curl -fsS --max-time 10 "$1" >"$metrics"; then
		check "$1 passes promtool check metrics" promtool check metrics <"$metrics"
		check "$1 exports every metric the kit uses" python3 "$deploy/check_kit.py" --metrics "$metrics"
	else
		failed=$((failed + 1))
		echo "FAIL could not read $1: is Litmus running, and is that its metrics address (LITMUS_METRICS_ADDR)?"
	fi
fi

echo "deploy: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
