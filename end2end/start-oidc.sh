#!/usr/bin/env bash
# A second release server for the OpenID Connect journeys (tests/oidc.spec.ts):
# a real provider (oidc/provider.mjs) on its own port, and the server set up to
# log citizens in with it as MitID and staff as the municipality's login, with
# passwords for staff only.
set -euo pipefail
port="${1:?app port}"
idp_port="${2:?provider port}"
server="${SERVER_BIN:?SERVER_BIN must point at the release server binary}"
here="$(cd "$(dirname "$0")" && pwd)"
dir="$(mktemp -d "${TMPDIR:-/tmp}/mitforlob-oidc.XXXXXX")"
idp_pid=""
cleanup() { [ -n "$idp_pid" ] && kill "$idp_pid" 2>/dev/null; rm -rf "$dir"; }
trap cleanup EXIT
app="http://127.0.0.1:$port"
issuer="http://127.0.0.1:$idp_port"
export OIDC_MODE=real OIDC_PORT="$idp_port" OIDC_KEYS_FILE="$dir/keys.json"
export OIDC_CLIENTS="[
  {\"client_id\":\"mitforlob-citizen\",\"client_secret\":\"citizen-secret-for-tests\",\"redirect_uris\":[\"$app/auth/oidc/callback\"],\"post_logout_redirect_uris\":[\"$app/login?notice=auth.logged_out\"]},
  {\"client_id\":\"mitforlob-staff\",\"client_secret\":\"staff-secret-for-tests\",\"redirect_uris\":[\"$app/auth/oidc/callback\"],\"post_logout_redirect_uris\":[\"$app/login?notice=auth.logged_out\"]}
]"
node "$here/oidc/provider.mjs" > "$dir/idp.log" 2>&1 &
idp_pid=$!
for _ in $(seq 1 100); do grep -q '^ready ' "$dir/idp.log" 2>/dev/null && break; sleep 0.1; done
grep -q '^ready ' "$dir/idp.log" || { cat "$dir/idp.log"; exit 1; }
export DATABASE_URL="sqlite://$dir/e2e.db"
export MITFORLOB_ADDR="127.0.0.1:$port"
export MITFORLOB_PUBLIC_URL="$app"
export MITFORLOB_OIDC_CITIZEN_ISSUER="$issuer" MITFORLOB_OIDC_CITIZEN_CLIENT_ID=mitforlob-citizen MITFORLOB_OIDC_CITIZEN_CLIENT_SECRET=citizen-secret-for-tests
export MITFORLOB_OIDC_STAFF_ISSUER="$issuer" MITFORLOB_OIDC_STAFF_CLIENT_ID=mitforlob-staff MITFORLOB_OIDC_STAFF_CLIENT_SECRET=staff-secret-for-tests
export MITFORLOB_PASSWORD_LOGIN=staff
export RUST_LOG="${RUST_LOG:-warn}"
"$server" seed-demo >/dev/null
"$server" serve
