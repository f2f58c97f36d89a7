# Shared shell functions of the stack scripts: bring up PostgreSQL, MariaDB and a Temporal dev server on
# 127.0.0.1, installing or starting what is missing, and remember what was started so that `down` stops only
# that. Sourced by stack.sh and test.sh; not meant to run alone.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BIN="$ROOT/bin"
TEMPORAL_VERSION=1.5.1
TEMPORAL="$BIN/temporal"
# STACK_DIR holds pid files, logs and the list of what this stack started. Tests use their own.
STACK_DIR=${STACK_DIR:-$ROOT/.stack}
PG_ADMIN_URL=${BRIDGE_TEST_POSTGRES:-postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable}
MYSQL_HOST=127.0.0.1
MYSQL_PORT=3306

# Search attributes the workflows set; registered when the dev server starts (keep in sync with
# workflows/searchattributes.go, which a test checks against this list).
SEARCH_ATTRIBUTES=(OpenCartOrderID=Keyword OdooOrderName=Keyword RecordKind=Keyword WaitingForMapping=Keyword)

log() { printf '\033[1;34m[stack]\033[0m %s\n' "$*" >&2; }
die() { printf '\033[1;31m[stack] %s\033[0m\n' "$*" >&2; exit 1; }

started() { mkdir -p "$STACK_DIR"; echo "$1" >>"$STACK_DIR/started"; }
was_started() { [[ -f "$STACK_DIR/started" ]] && grep -qx "$1" "$STACK_DIR/started"; }

can_install() { [[ $(id -u) == 0 ]] && command -v apt-get >/dev/null; }

apt_install() {
	can_install || die "$* missing and this user cannot install it (run as root on Debian, or install: $*)"
	if [[ ! -f "$STACK_DIR/.apt-updated" ]]; then
		log "apt-get update"
		apt-get update -qq >/dev/null
		mkdir -p "$STACK_DIR" && touch "$STACK_DIR/.apt-updated"
	fi
	log "installing $*"
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

wait_for() { # wait_for <what> <seconds> <command...>
	local what=$1 secs=$2
	shift 2
	for ((i = 0; i < secs * 4; i++)); do
		if "$@" >/dev/null 2>&1; then return 0; fi
		sleep 0.25
	done
	die "$what did not come up within ${secs}s"
}

# --- PostgreSQL -----------------------------------------------------------------------------------------
pg_up() { psql "$PG_ADMIN_URL" -tAc 'SELECT 1' >/dev/null 2>&1; }

ensure_postgres() {
	pg_up && return 0
	if ! ls /etc/postgresql/*/main >/dev/null 2>&1; then
		apt_install postgresql postgresql-client
		# Trust local TCP connections, as the bridge's defaults and the test suite expect.
		for hba in /etc/postgresql/*/main/pg_hba.conf; do
			grep -q '^host all all 127.0.0.1/32 trust' "$hba" ||
				sed -i '1i host all all 127.0.0.1/32 trust\nhost all all ::1/128 trust' "$hba"
		done
	fi
	command -v pg_ctlcluster >/dev/null || die "PostgreSQL is not running on 127.0.0.1:5432 and pg_ctlcluster is missing; start it yourself or set BRIDGE_TEST_POSTGRES"
	local version
	version=$(ls /etc/postgresql | sort -V | tail -n1)
	log "starting PostgreSQL $version"
	pg_ctlcluster --skip-systemctl-redirect "$version" main start || true
	started "postgres $version"
	wait_for PostgreSQL 60 pg_up
}

stop_postgres() {
	local line
	line=$(grep '^postgres ' "$STACK_DIR/started" 2>/dev/null || true)
	[[ -n $line ]] || return 0
	log "stopping PostgreSQL ${line#postgres }"
	pg_ctlcluster --skip-systemctl-redirect "${line#postgres }" main stop || true
}

# --- MariaDB --------------------------------------------------------------------------------------------
mysql_client() { command -v mariadb || command -v mysql; }
mysql_up() { "$(mysql_client)" -h"$MYSQL_HOST" -P"$MYSQL_PORT" -uroot -e 'SELECT 1' >/dev/null 2>&1; }

ensure_mariadb() {
	if mysql_client >/dev/null && mysql_up; then return 0; fi
	local fresh=no
	if [[ ! -x /usr/sbin/mariadbd ]]; then
		apt_install mariadb-server mariadb-client
		fresh=yes
	fi
	log "starting MariaDB"
	mkdir -p /run/mysqld && chown mysql:mysql /run/mysqld 2>/dev/null || true
	start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd -- --user=mysql
	started mariadb
	wait_for "MariaDB (socket)" 60 "$(mysql_client)" -uroot -e 'SELECT 1'
	if [[ $fresh == yes ]] || ! mysql_up; then
		# Debian's root uses the unix socket only; the bridge and tests connect over TCP as root, no password.
		"$(mysql_client)" -uroot -e "ALTER USER 'root'@'localhost' IDENTIFIED VIA unix_socket OR mysql_native_password USING PASSWORD('');
			CREATE USER IF NOT EXISTS 'root'@'127.0.0.1' IDENTIFIED BY ''; GRANT ALL ON *.* TO 'root'@'127.0.0.1' WITH GRANT OPTION;"
	fi
	wait_for "MariaDB on $MYSQL_HOST:$MYSQL_PORT" 60 mysql_up
}

stop_mariadb() {
	was_started mariadb || return 0
	log "stopping MariaDB"
	start-stop-daemon --stop --oknodo --retry 30 --exec /usr/sbin/mariadbd || true
}

# --- Temporal -------------------------------------------------------------------------------------------
ensure_temporal_cli() {
	# A go-installed CLI reports version 0.0.0-DEV, so a marker file records which release bin/ holds.
	if [[ -x $TEMPORAL && -f $BIN/.temporal-v$TEMPORAL_VERSION ]]; then return 0; fi
	command -v go >/dev/null || die "Go is needed to build the Temporal CLI"
	log "building the Temporal CLI v$TEMPORAL_VERSION into bin/ (once; a few minutes the first time)"
	# @latest does not build: later releases carry replace directives that go install refuses.
	GOBIN="$BIN" GOFLAGS=-mod=mod go install "github.com/temporalio/cli/cmd/temporal@v$TEMPORAL_VERSION"
	touch "$BIN/.temporal-v$TEMPORAL_VERSION"
}

temporal_up() { "$TEMPORAL" operator cluster health --address "127.0.0.1:$1" >/dev/null 2>&1; }

# start_temporal <port> <ui: yes|no> [db file]
start_temporal() {
	local port=$1 ui=$2 db=${3:-}
	if temporal_up "$port"; then
		log "Temporal already answers on 127.0.0.1:$port"
		return 0
	fi
	ensure_temporal_cli
	local args=(server start-dev --ip 127.0.0.1 --port "$port" --namespace default --log-level warn
		--dynamic-config-value system.forceSearchAttributesCacheRefreshOnRead=true)
	for sa in "${SEARCH_ATTRIBUTES[@]}"; do args+=(--search-attribute "$sa"); done
	if [[ $ui == yes ]]; then args+=(--ui-port $((port + 1000))); else args+=(--headless); fi
	[[ -n $db ]] && args+=(--db-filename "$db")
	mkdir -p "$STACK_DIR"
	log "starting Temporal dev server on 127.0.0.1:$port$([[ $ui == yes ]] && echo " (UI http://127.0.0.1:$((port + 1000)))")"
	nohup "$TEMPORAL" "${args[@]}" >"$STACK_DIR/temporal.log" 2>&1 &
	echo $! >"$STACK_DIR/temporal.pid"
	started temporal
	wait_for "Temporal dev server (log: $STACK_DIR/temporal.log)" 90 temporal_up "$port"
}

# stop_pidfile <name>: stops a background process this stack started and recorded in <name>.pid.
stop_pidfile() {
	local f="$STACK_DIR/$1.pid"
	[[ -f $f ]] || return 0
	local pid
	pid=$(cat "$f")
	if kill -0 "$pid" 2>/dev/null; then
		log "stopping $1 (pid $pid)"
		kill "$pid" 2>/dev/null || true
		for _ in $(seq 40); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
		kill -9 "$pid" 2>/dev/null || true
	fi
	rm -f "$f"
}

ensure_database() { # ensure_database <name>: the mapping store's PostgreSQL database
	psql "$PG_ADMIN_URL" -tAc "SELECT 1 FROM pg_database WHERE datname = '$1'" | grep -q 1 ||
		psql "$PG_ADMIN_URL" -qc "CREATE DATABASE $1" >/dev/null
}

# php-cli runs the OpenCart extension's own code in the cross-language tests (mysqli and curl as in a shop).
ensure_php() {
	if command -v php >/dev/null; then
		local mods
		mods=$(php -m 2>/dev/null)
		grep -qi '^mysqli$' <<<"$mods" && grep -qi '^curl$' <<<"$mods" && return 0
	fi
	apt_install php-cli php-mysql php-curl
}

# Chromium (headless) renders the api's dashboard in its browser test, which looks for /usr/bin/chromium.
ensure_chromium() {
	[[ -x /usr/bin/chromium ]] && return 0
	apt_install chromium
}

stop_all() {
	for name in api worker odoosim; do stop_pidfile "$name"; done
	stop_pidfile temporal
	stop_mariadb
	stop_postgres
	rm -f "$STACK_DIR/started"
}
