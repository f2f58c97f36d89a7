#!/usr/bin/env bash
# The main job: the whole bridge on this machine, against the Odoo simulator and a demo OpenCart shop.
# Brings up PostgreSQL, MariaDB and Temporal (UI on :8233), starts the simulator with a demo catalog,
# creates the demo shop from the project's own schema code, starts worker and api, runs a bulk sync,
# places a few orders with signed webhooks and prints a summary. Everything keeps running afterwards so
# you can look around; `scripts/stack.sh down` stops it all.
#   DEMO_ODOO_VERSION (13–18, default 17), DEMO_PRODUCTS (default 60), DEMO_ORDERS (default 3)
source "$(dirname "$0")/lib.sh"

ensure_postgres
ensure_mariadb
start_temporal 7233 yes "$STACK_DIR/temporal.db"

log "building worker, api, starter and odoosim into bin/"
(cd "$ROOT" && go build -o bin/ ./worker ./api ./starter ./pkg/odoosim/cmd/odoosim)

# A fresh mapping store and shop each run: the simulator starts from its seed every time.
for name in api worker odoosim; do stop_pidfile "$name"; done
psql "$PG_ADMIN_URL" -qc "DROP DATABASE IF EXISTS bridge_demo WITH (FORCE)" >/dev/null
ensure_database bridge_demo

cat >"$STACK_DIR/demo.env" <<ENV
BRIDGE_CONNECTION=demo
BRIDGE_DATABASE_URL=postgres://postgres@127.0.0.1:5432/bridge_demo?sslmode=disable
OPENCART_DSN='root@tcp(127.0.0.1:3306)/bridge_demo_shop'
ODOO_URL=http://127.0.0.1:8069
ODOO_DB=odoo
ODOO_USERNAME=admin
ODOO_PASSWORD=admin
WEBHOOK_SECRET=demo-webhook-secret-0123456789
API_TOKEN=demo-api-token-0123456789
API_ADDR=127.0.0.1:8080
TEMPORAL_ADDRESS=127.0.0.1:7233
LOG_FORMAT=console
ORDER_POLL_START=0
ENV
set -a
# shellcheck disable=SC1091
source "$STACK_DIR/demo.env"
set +a
export BRIDGE_ENV_FILE="$STACK_DIR/demo.env"

"$BIN/starter" demo shop --recreate

start_background() { # start_background <name> <command...>
	local name=$1
	shift
	nohup "$@" >"$STACK_DIR/$name.log" 2>&1 &
	echo $! >"$STACK_DIR/$name.pid"
}

log "starting the Odoo simulator (Odoo ${DEMO_ODOO_VERSION:-17}, ${DEMO_PRODUCTS:-60} products) on 127.0.0.1:8069"
start_background odoosim "$BIN/odoosim" -addr 127.0.0.1:8069 -version "${DEMO_ODOO_VERSION:-17}" -products "${DEMO_PRODUCTS:-60}" -seed 7
wait_for "Odoo simulator (log: $STACK_DIR/odoosim.log)" 60 bash -c 'echo >/dev/tcp/127.0.0.1/8069' 

log "starting worker and api"
start_background worker "$BIN/worker"
start_background api "$BIN/api"
wait_for "api readiness (logs: $STACK_DIR/api.log, $STACK_DIR/worker.log)" 90 "$BIN/starter" healthcheck http://127.0.0.1:8080/readyz

log "bulk sync Odoo → OpenCart"
"$BIN/starter" bulk-sync --direction odoo-to-opencart --wait

log "placing ${DEMO_ORDERS:-3} orders in the shop, each announced by a signed webhook"
"$BIN/starter" demo orders --count "${DEMO_ORDERS:-3}"
sleep 3
log "the shop's UK VAT has no Odoo tax, so the orders wait for a person to map it (they never guess a tax):"
"$BIN/starter" mappings unmapped tax || true
log "mapping it as an operator would; the mapping wakes the waiting orders"
"$BIN/starter" demo map-taxes
"$BIN/starter" demo wait

echo
"$BIN/starter" demo summary
cat <<EOT

The bridge is running:
  Temporal UI   http://127.0.0.1:8233   (workflows of task queue odoo-opencart-bridge)
  Dashboard     http://127.0.0.1:8080/dashboard?token=$API_TOKEN
  Metrics       http://127.0.0.1:8080/metrics (api), http://127.0.0.1:9090/metrics (worker)
  Logs          $STACK_DIR/{worker,api,odoosim,temporal}.log
  CLI           BRIDGE_ENV_FILE=$STACK_DIR/demo.env bin/starter status   (or: failures, replay, mappings, bulk-sync, sync)
Stop everything with: scripts/stack.sh down
EOT
