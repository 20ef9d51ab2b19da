#!/usr/bin/env bash
# Fuzzes every fuzz target in the module for FUZZTIME each (default 10s) and fails if any
# finds an input that breaks it. Go fuzzes one target per `go test` run, so each target gets
# its own. The targets are found in the test files, so a new one is fuzzed without editing
# this script. Usage: bash .ci/fuzz.sh   (FUZZTIME=1m bash .ci/fuzz.sh for a longer run)
set -euo pipefail
cd "$(dirname "$0")/.."
fuzztime="${FUZZTIME:-10s}"

# "file Target" pairs, from tracked and new (not ignored) test files.
mapfile -t targets < <(
  git ls-files --cached --others --exclude-standard '*_test.go' |
    xargs -r grep -HoE '^func Fuzz[A-Za-z0-9_]*\(' |
    sed -E 's/^(.*):func (Fuzz[A-Za-z0-9_]*)\($/\1 \2/' | sort
)
if [ "${#targets[@]}" -eq 0 ]; then
  echo "fuzz.sh: found no fuzz targets (func FuzzX(f *testing.F) in a _test.go file); nothing was fuzzed" >&2
  exit 1
fi

# Go 1.26's fuzz coordinator can end a duration-bounded run with a bare "context deadline
# exceeded" failure when -fuzztime expires while a worker is mid-input, writing no failing
# input (go.dev/issue/75804, fixed in Go 1.27). Such a run found nothing: it is reported as a
# flake. Any other failure, and any run that saved an input under testdata/fuzz, fails.
count_inputs() { if [ -d "$1" ]; then find "$1" -type f | wc -l; else echo 0; fi; }
failed=() flaked=()
for entry in "${targets[@]}"; do
  file="${entry% *}" target="${entry#* }"
  pkg="./$(dirname "$file")"
  corpus="$pkg/testdata/fuzz/$target"
  echo "--- $target in $pkg for $fuzztime"
  before=$(count_inputs "$corpus")
  log=$(mktemp)
  if go test -run '^$' -fuzz "^${target}\$" -fuzztime "$fuzztime" -fuzzminimizetime 100x "$pkg" 2>&1 | tee "$log"; then
    :
  elif [ "$(count_inputs "$corpus")" = "$before" ] &&
    grep -A1 -E "^--- FAIL: ${target} " "$log" | tail -1 | grep -qx '[[:space:]]*context deadline exceeded'; then
    echo "fuzz.sh: $target stopped with Go's fuzz-deadline race (go.dev/issue/75804) and saved no input: a flake, not a finding"
    flaked+=("$target in $pkg")
  else
    failed+=("$target in $pkg")
  fi
  rm -f "$log"
done

if [ "${#failed[@]}" -gt 0 ]; then
  echo
  echo "FUZZING FOUND INPUTS THAT BREAK ${#failed[@]} TARGET(S):"
  for f in "${failed[@]}"; do
    target="${f%% in *}" pkg="${f##* in }"
    echo "  - $f: Go saved the input under $pkg/testdata/fuzz/$target/."
    echo "    Reproduce with: go test -run '^$target\$' $pkg"
    echo "    Fix the code, then commit that file so the case stays in the tests."
  done
  exit 1
fi
echo "fuzz.sh: ${#targets[@]} targets fuzzed for $fuzztime each; nothing found (${#flaked[@]} stopped by go.dev/issue/75804)"
