#!/usr/bin/env bash
# Set everything up, then run the whole test suite: on SQLite, and the database tests on PostgreSQL.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --tests

PG_URL=${ACUSIGHT_TEST_POSTGRES_URL:-postgresql+psycopg://postgres@127.0.0.1:5432/acusight_test}
if ! pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then
  echo "PostgreSQL is down; starting it"
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql)" main start
  for _ in $(seq 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done
fi

echo "== whole suite on SQLite"
.venv/bin/pytest "$@"
echo "== database-backed suite on PostgreSQL"
ACUSIGHT_TEST_DATABASE_URL=$PG_URL .venv/bin/pytest tests/webapp "$@"
