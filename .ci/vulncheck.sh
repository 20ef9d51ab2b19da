#!/usr/bin/env bash
# Runs govulncheck on the module with the Go toolchain go.mod names, and fails on any
# known vulnerability in the code paths Litmus actually calls.
#
# The CI network reaches the Go module proxy but not vuln.go.dev, so the database is built
# locally from the golang.org/x/vulndb module (the same OSV reports vuln.go.dev serves,
# fetched through the proxy) with vulndb's own indexdb command. Each database version is
# built once and kept in the cache directory. Usage: bash .ci/vulncheck.sh
set -euo pipefail
cd "$(dirname "$0")/.."
repo="$PWD"
cache="${LITMUS_CI_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/litmus-ci}"
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT

# The standard library is checked at the version that will be built, so use the toolchain
# line of go.mod whatever GOTOOLCHAIN the machine sets (GOTOOLCHAIN=local would check the
# installed Go instead, and report advisories the release build does not have).
toolchain="$(awk '$1 == "toolchain" { print $2 }' go.mod)"
if [ -z "$toolchain" ]; then
  echo "vulncheck.sh: go.mod has no toolchain line; add one (e.g. 'toolchain go1.26.11') so the checked Go version is the released one" >&2
  exit 1
fi
export GOTOOLCHAIN="$toolchain"
have="$(go env GOVERSION)"
if [ "$have" != "$toolchain" ]; then
  echo "vulncheck.sh: go reports $have in the repository, but go.mod asks for $toolchain" >&2
  exit 1
fi
echo "Go toolchain: $have"

# govulncheck and indexdb run from a throwaway module, so nothing is added to go.mod.
mkdir -p "$scratch/mod" "$cache/bin"
cd "$scratch/mod"
go mod init throwaway >/dev/null 2>&1
GOBIN="$cache/bin" go install golang.org/x/vuln/cmd/govulncheck@latest
dl="$(go mod download -json golang.org/x/vulndb@latest)"
field() { printf '%s\n' "$dl" | sed -n "s/^[[:space:]]*\"$1\": \"\(.*\)\",\{0,1\}$/\1/p"; }
version="$(field Version)" src="$(field Dir)"
if [ -z "$version" ] || [ ! -d "$src/data/osv" ]; then
  echo "vulncheck.sh: could not fetch golang.org/x/vulndb through the module proxy:" >&2
  printf '%s\n' "$dl" >&2
  exit 1
fi
db="$cache/vulndb/$version"
if [ ! -f "$db/index/db.json" ]; then
  echo "Building the vulnerability database from golang.org/x/vulndb $version"
  rm -rf "$db.tmp"
  go run "golang.org/x/vulndb/cmd/indexdb@$version" -vulns "$src/data/osv" -out "$db.tmp"
  rm -rf "$db" && mv "$db.tmp" "$db"
fi
echo "Vulnerability database: golang.org/x/vulndb $version"

cd "$repo"
status=0
"$cache/bin/govulncheck" -db "file://$db" ./... || status=$?
if [ "$status" -ne 0 ]; then
  echo >&2
  if [ "$status" -eq 3 ]; then
    echo "VULNERABILITIES FOUND: Litmus calls code with a known vulnerability (listed above)." >&2
    echo "Upgrade the module it names (go get module@fixed-version), or the toolchain line in go.mod for the standard library, then run this script again." >&2
  else
    echo "vulncheck.sh: govulncheck failed (exit $status) before it could finish the check; see above." >&2
  fi
  exit 1
fi
