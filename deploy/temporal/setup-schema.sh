#!/bin/sh
# Temporal's PostgreSQL persistence: creates the `temporal` and `temporal_visibility`
# databases and brings their schemas to the version of the server image. Safe to run on
# every `docker compose up` (update-schema only applies what is missing).
set -eu
: "${POSTGRES_SEEDS:?}" "${POSTGRES_USER:?}" "${SQL_PASSWORD:?}"
PORT="${DB_PORT:-5432}"
until nc -z -w 5 "$POSTGRES_SEEDS" "$PORT"; do echo 'waiting for PostgreSQL…'; sleep 2; done
tool() { temporal-sql-tool --plugin postgres12 --ep "$POSTGRES_SEEDS" -u "$POSTGRES_USER" -p "$PORT" "$@"; }
for db in temporal temporal_visibility; do
  tool --db "$db" create || echo "database $db exists"
done
tool --db temporal setup-schema -v 0.0
tool --db temporal update-schema -d /etc/temporal/schema/postgresql/v12/temporal/versioned
tool --db temporal_visibility setup-schema -v 0.0
tool --db temporal_visibility update-schema -d /etc/temporal/schema/postgresql/v12/visibility/versioned
echo 'Temporal schema is up to date'
