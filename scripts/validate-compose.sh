#!/usr/bin/env bash
# Validates the production compose file (docker-compose.yml) without a Docker
# engine:
#   1. `docker-compose config -q` accepts it when the required variables are set
#      (dummy values here: nothing is started);
#   2. it is refused, with the message naming the variable, when they are not;
#   3. dclint reports no errors and no warnings (configuration: .dclintrc).
# Needs docker-compose (Debian: apt-get install docker-compose; installed here
# automatically under CI=true when running as root) and the dev dependencies
# (npm ci) for dclint.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
compose_file=docker-compose.yml

fail() {
  echo "validate-compose: $*" >&2
  exit 1
}

if command -v docker-compose >/dev/null 2>&1; then
  compose=(docker-compose)
elif docker compose version >/dev/null 2>&1; then
  compose=(docker compose)
elif [[ "${CI:-}" == "true" && "$(id -u)" == "0" ]] && command -v apt-get >/dev/null 2>&1; then
  echo "validate-compose: installing docker-compose from Debian's packages"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends docker-compose >/dev/null
  compose=(docker-compose)
else
  fail "docker-compose not found (Debian: apt-get install docker-compose)"
fi

dclint=node_modules/.bin/dclint
[[ -x "$dclint" ]] || fail "$dclint not found: run npm ci first"

# Ignore any local .env file (an empty one is used instead; docker-compose
# 1.29 wants a regular file) and the caller's values of the required
# variables, so that the result depends on the compose file alone.
empty_env_file=$(mktemp)
trap 'rm -f "$empty_env_file"' EXIT
run_compose_config() {
  env -u VANTA_ADMIN_TOKEN -u VANTA_MASTER_KEY -u VANTA_METRICS_TOKEN "$@" \
    "${compose[@]}" --env-file "$empty_env_file" -f "$compose_file" config -q
}

echo "== ${compose[*]} config (required variables set to dummy values)"
run_compose_config \
  VANTA_ADMIN_TOKEN=dummy-admin-token \
  VANTA_MASTER_KEY=0000000000000000000000000000000000000000000000000000000000000000 \
  VANTA_METRICS_TOKEN=dummy-metrics-token-0000 \
  || fail "docker-compose config rejected $compose_file"
echo "ok"

echo "== ${compose[*]} config without VANTA_ADMIN_TOKEN / VANTA_MASTER_KEY / VANTA_METRICS_TOKEN (must fail)"
check_refused() {
  local variable=$1
  shift
  local output
  if output=$(run_compose_config "$@" 2>&1); then
    fail "docker-compose config accepted the file without $variable"
  fi
  grep -q "set $variable" <<<"$output" \
    || fail "missing $variable was refused, but without the expected message: $output"
  echo "ok: refused without $variable"
}
check_refused VANTA_ADMIN_TOKEN VANTA_MASTER_KEY=dummy VANTA_METRICS_TOKEN=dummy
check_refused VANTA_MASTER_KEY VANTA_ADMIN_TOKEN=dummy VANTA_METRICS_TOKEN=dummy
check_refused VANTA_METRICS_TOKEN VANTA_ADMIN_TOKEN=dummy VANTA_MASTER_KEY=dummy

echo "== dclint $compose_file"
"$dclint" --max-warnings 0 "$compose_file" || fail "dclint found problems in $compose_file"
echo "ok"

echo "validate-compose: all checks passed"
