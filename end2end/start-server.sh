#!/usr/bin/env bash
# Starts a release server on a fresh, seeded SQLite database for one test run.
set -euo pipefail
port="${1:-3100}"
server="${SERVER_BIN:?SERVER_BIN must point at the release server binary}"
dir="$(mktemp -d "${TMPDIR:-/tmp}/mitforlob-e2e.XXXXXX")"
trap 'rm -rf "$dir"' EXIT
export DATABASE_URL="sqlite://$dir/e2e.db"
export MITFORLOB_ADDR="127.0.0.1:$port"
export RUST_LOG="${RUST_LOG:-warn}"
"$server" seed-demo >/dev/null
"$server" serve
