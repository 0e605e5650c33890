#!/usr/bin/env bash
# Set everything up, then run the whole test suite: on SQLite, and the database tests on PostgreSQL.
# Without arguments, two streams run side by side (the machine has two cores and the flow tests spend
# much of their time waiting on servers they started): the API tests, on SQLite then on PostgreSQL,
# beside everything else on SQLite. With arguments (pytest's), they run one after the other.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --tests

PG_URL=${ACUSIGHT_TEST_POSTGRES_URL:-postgresql+psycopg://postgres@127.0.0.1:5432/acusight_test}
if ! pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then
  echo "PostgreSQL is down; starting it"
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql)" main start
  for _ in $(seq 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done
fi

if [ $# -gt 0 ]; then
  echo "== whole suite on SQLite"
  .venv/bin/pytest "$@"
  echo "== database-backed suite on PostgreSQL"
  ACUSIGHT_TEST_DATABASE_URL=$PG_URL .venv/bin/pytest tests/webapp "$@"
  exit 0
fi

# Each stream has its own pytest temporary directory: neither cleans up the other's.
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
api_tests() {
  local rc=0
  echo "== API tests on SQLite"
  .venv/bin/pytest tests/webapp --basetemp="$TMP/api-sqlite" -p no:cacheprovider --durations=10 || rc=1
  echo "== API tests on PostgreSQL"
  ACUSIGHT_TEST_DATABASE_URL=$PG_URL .venv/bin/pytest tests/webapp --basetemp="$TMP/api-postgres" \
    -p no:cacheprovider --durations=10 || rc=1
  return $rc
}
api_tests > "$TMP/api.log" 2>&1 &
API=$!

echo "== everything but the API tests, on SQLite (the API tests run beside it; their output follows)"
status=0
.venv/bin/pytest --ignore=tests/webapp --basetemp="$TMP/rest" --durations=20 || status=$?
api_status=0
wait "$API" || api_status=$?
cat "$TMP/api.log"
echo "== flows, clients, pipelines, deploy: $([ $status = 0 ] && echo passed || echo FAILED)"
echo "== API tests (SQLite, then PostgreSQL): $([ $api_status = 0 ] && echo passed || echo FAILED)"
[ $status = 0 ] && [ $api_status = 0 ]
