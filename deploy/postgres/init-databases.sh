#!/bin/sh
# First start of the PostgreSQL container only (docker-entrypoint-initdb.d): one role and
# database for the service, one role for Temporal (whose databases temporal-schema creates).
set -eu
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres \
  -v ebn_password="$EBN_DB_PASSWORD" -v temporal_password="$TEMPORAL_DB_PASSWORD" <<'SQL'
CREATE ROLE ebn LOGIN PASSWORD :'ebn_password';
CREATE DATABASE ebn OWNER ebn;
CREATE ROLE temporal LOGIN CREATEDB PASSWORD :'temporal_password';
SQL
