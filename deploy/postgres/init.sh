#!/usr/bin/env bash
# docker-entrypoint-initdb.d hook: create the owner and application roles and the database.
set -euo pipefail
psql -v ON_ERROR_STOP=1 -U "$POSTGRES_USER" -d postgres \
  -v owner_password="$WASL_OWNER_PASSWORD" -v app_password="$WASL_APP_PASSWORD" \
  -f /wasl/roles.sql
psql -v ON_ERROR_STOP=1 -U "$POSTGRES_USER" -d postgres -f /wasl/database.sql
