#!/usr/bin/env bash
# The outside probe, repeatable: schemathesis against the OpenAPI document and sqlmap on the search
# parameters, as a signed-in verified buyer, against a marketplace YOU run (docs/probe.md).
#
#   scripts/probe.sh                 # http://127.0.0.1:5000, both tools, bounded (about 10 minutes)
#   PROBE_BASE=http://127.0.0.1:5055 PROBE_TOOLS=schemathesis scripts/probe.sh
#
# Settings: PROBE_BASE (the app), PROBE_LOGIN / PROBE_PASSWORD (a verified buyer: the demo one by default),
# PROBE_TOOLS (schemathesis, sqlmap or both), PROBE_MAX_TIME (schemathesis' time budget, seconds),
# PROBE_SQLMAP_LEVEL / PROBE_SQLMAP_RISK, PROBE_OUT (reports; default instance/probe).
set -euo pipefail
cd "$(dirname "$0")/.."

PROBE_BASE="${PROBE_BASE:-http://127.0.0.1:5000}"
PROBE_LOGIN="${PROBE_LOGIN:-buyer@demo.marketplace}"
PROBE_PASSWORD="${PROBE_PASSWORD:-demo-pass-123}"
PROBE_TOOLS="${PROBE_TOOLS:-schemathesis sqlmap}"
PROBE_MAX_TIME="${PROBE_MAX_TIME:-300}"
PROBE_SQLMAP_LEVEL="${PROBE_SQLMAP_LEVEL:-2}"
PROBE_SQLMAP_RISK="${PROBE_SQLMAP_RISK:-1}"
PROBE_OUT="${PROBE_OUT:-instance/probe}"
PROBE_VENV="${PROBE_VENV:-.venv-probe}"

case "$PROBE_BASE" in
  http://127.0.0.1:*|http://localhost:*) ;;
  *) [ "${PROBE_ANY_HOST:-}" = 1 ] || { echo "PROBE_BASE=$PROBE_BASE is not this machine: probe only what you run (PROBE_ANY_HOST=1 to insist)" >&2; exit 2; } ;;
esac

mkdir -p "$PROBE_OUT"
jar="$PROBE_OUT/cookies.txt"
rm -f "$jar"

# Sign in through the API as the app does: a CSRF token, then the login (which renews the session).
token=$(curl -sf -c "$jar" -b "$jar" "$PROBE_BASE/api/v1/auth/csrf" | python3 -c 'import json,sys; print(json.load(sys.stdin)["csrf_token"])')
token=$(curl -sf -c "$jar" -b "$jar" -H "X-CSRFToken: $token" -H "Content-Type: application/json" \
  -d "{\"login\": \"$PROBE_LOGIN\", \"password\": \"$PROBE_PASSWORD\"}" "$PROBE_BASE/api/v1/auth/login" \
  | python3 -c 'import json,sys; print(json.load(sys.stdin)["csrf_token"])')
session=$(awk '$6 == "session" {print $7}' "$jar")
[ -n "$session" ] || { echo "login as $PROBE_LOGIN failed" >&2; exit 1; }
echo "signed in as $PROBE_LOGIN"

if [[ " $PROBE_TOOLS " == *" schemathesis "* ]]; then
  # Every operation of the document, every check (no 5xx, responses match their schemas, status
  # codes and content types documented, ...). Logout is left out: it would end the probe's login.
  .venv/bin/st run "$PROBE_BASE/api/v1/openapi.json" --url "$PROBE_BASE" \
    --header "Cookie: session=$session" --header "X-CSRFToken: $token" \
    --checks all --exclude-operation-id post__api_v1_auth_logout --max-time "$PROBE_MAX_TIME" --workers 2 \
    --report junit --report-dir "$PROBE_OUT" || echo "schemathesis reported failures: see above and $PROBE_OUT"
fi

if [[ " $PROBE_TOOLS " == *" sqlmap "* ]]; then
  [ -x "$PROBE_VENV/bin/sqlmap" ] || { python3 -m venv "$PROBE_VENV" && "$PROBE_VENV/bin/pip" install --quiet sqlmap; }
  # The search and filter parameters of the storefront and the API (the listings whose SQL is
  # built from the query string). --batch answers sqlmap's questions with their defaults.
  for target in \
    "$PROBE_BASE/search?q=kettle&category=electronics&min_price=1&max_price=900&min_rating=1&sort=relevance" \
    "$PROBE_BASE/search/suggest?q=ket" \
    "$PROBE_BASE/api/v1/products/search?q=kettle&category=electronics&min_price=100&max_price=90000&min_rating=1&sort=newest&limit=12" \
    "$PROBE_BASE/api/v1/products?category=electronics&min_price=100&max_price=90000&sort=price_asc&limit=12"; do
    echo "== sqlmap $target"
    "$PROBE_VENV/bin/sqlmap" -u "$target" --batch --level "$PROBE_SQLMAP_LEVEL" --risk "$PROBE_SQLMAP_RISK" \
      --cookie "session=$session" --headers "X-CSRFToken: $token" --dbms PostgreSQL \
      --output-dir "$PROBE_OUT/sqlmap" --disable-coloring </dev/null 2>&1 \
      | grep -E "CRITICAL|identified the following injection point|appears to be '.*' injectable" || true
  done
fi
