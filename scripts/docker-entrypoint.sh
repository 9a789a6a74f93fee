#!/bin/sh
# Entrypoint of the image (API, worker, migrations). Docker secrets are files, and a password in
# DATABASE_URL would sit in plain sight in the container's environment: the database password is
# read from DATABASE_PASSWORD_FILE and handed to the PostgreSQL driver as PGPASSWORD, which
# node-postgres uses when the URL carries none.
set -eu
if [ -n "${DATABASE_PASSWORD_FILE:-}" ]; then
  PGPASSWORD="$(cat "$DATABASE_PASSWORD_FILE")"
  export PGPASSWORD
fi
exec "$@"
