#!/usr/bin/env bash
# The whole test suite, from a clean clone on a fresh machine: starts (or installs) PostgreSQL, MariaDB, php-cli
# and a headless Temporal dev server of its own (127.0.0.1:7243), runs go vet and every test, then stops what it
# started. Extra arguments go to `go test` (e.g. scripts/test.sh -run Mapping ./pkg/mapping/).
export STACK_DIR="$(cd "$(dirname "$0")/.." && pwd)/.stack-test"
source "$(dirname "$0")/lib.sh"
trap stop_all EXIT

command -v python3 >/dev/null || apt_install python3
ensure_php
ensure_chromium
ensure_postgres
ensure_mariadb
start_temporal 7243 no

export TEMPORAL_ADDRESS=127.0.0.1:7243
export TEMPORAL_CLI="$TEMPORAL"
export BRIDGE_TEST_POSTGRES="$PG_ADMIN_URL"

cd "$ROOT"
log "go vet ./..."
go vet ./...
if [[ $# -eq 0 ]]; then set -- ./...; fi
log "go test $*"
go test -count=1 -timeout 45m "$@"
