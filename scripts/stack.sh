#!/usr/bin/env bash
# The local stack: PostgreSQL, MariaDB and a Temporal dev server (UI on :8233) on 127.0.0.1.
#   scripts/stack.sh up      start (or install) what is missing; persistent Temporal state in .stack/
#   scripts/stack.sh down    stop what `up` started, and only that
#   scripts/stack.sh status  say what answers
source "$(dirname "$0")/lib.sh"

case "${1:-}" in
up)
	ensure_postgres
	ensure_mariadb
	ensure_database "${BRIDGE_DATABASE:-bridge}"
	start_temporal 7233 yes "$STACK_DIR/temporal.db"
	log "stack is up: PostgreSQL 127.0.0.1:5432, MariaDB 127.0.0.1:3306, Temporal 127.0.0.1:7233, UI http://127.0.0.1:8233"
	;;
down) stop_all ;;
status)
	pg_up && echo "PostgreSQL: up" || echo "PostgreSQL: down"
	mysql_client >/dev/null && mysql_up && echo "MariaDB: up" || echo "MariaDB: down"
	[[ -x $TEMPORAL ]] && temporal_up 7233 && echo "Temporal: up" || echo "Temporal: down"
	;;
*)
	echo "usage: $0 up|down|status" >&2
	exit 2
	;;
esac
