#!/usr/bin/env bash
# Set everything up, then run the whole test suite: on SQLite, and the database tests on PostgreSQL.
# Without arguments, three streams run side by side (see below; many tests spend much of their time
# waiting on servers they started). With arguments (pytest's), the whole suite on SQLite, then the
# API tests on PostgreSQL, one after the other.
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
  ACUSIGHT_TEST_DATABASE_URL=$PG_URL .venv/bin/pytest tests/webapp -m "not database_independent" "$@"
  exit 0
fi

# Three streams side by side, each with its own pytest temporary directory (none cleans up
# another's): the API tests (SQLite, then PostgreSQL); the end-to-end runs (the demos, the
# tutorial, the device client's quality test), which spend much of their time waiting on the
# platforms they start; and everything else. The first two print when they are done.
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
api_tests() {
  local rc=0
  echo "== API tests on SQLite"
  .venv/bin/pytest tests/webapp --basetemp="$TMP/api-sqlite" -p no:cacheprovider --durations=10 || rc=1
  echo "== API tests on PostgreSQL"
  # Less what does not touch the database (servers on their own SQLite, parsers, the blob store).
  ACUSIGHT_TEST_DATABASE_URL=$PG_URL .venv/bin/pytest tests/webapp -m "not database_independent" \
    --basetemp="$TMP/api-postgres" -p no:cacheprovider --durations=10 || rc=1
  return $rc
}
END_TO_END=(tests/clients tests/docs)
api_tests > "$TMP/api.log" 2>&1 &
API=$!
.venv/bin/pytest "${END_TO_END[@]}" --basetemp="$TMP/e2e" -p no:cacheprovider --durations=10 \
  > "$TMP/e2e.log" 2>&1 &
E2E=$!

echo "== flows, pipelines, command line, deploy, docs site on SQLite (the API tests and the"
echo "   end-to-end runs go beside it; their output follows)"
status=0
ignored=(--ignore=tests/webapp)
for path in "${END_TO_END[@]}"; do ignored+=(--ignore="$path"); done
.venv/bin/pytest "${ignored[@]}" --basetemp="$TMP/rest" -p no:cacheprovider --durations=15 || status=$?
e2e_status=0
wait "$E2E" || e2e_status=$?
echo "== end-to-end: demos, tutorial, device clients"
cat "$TMP/e2e.log"
api_status=0
wait "$API" || api_status=$?
cat "$TMP/api.log"
verdict() { [ "$1" = 0 ] && echo passed || echo FAILED; }
echo "== flows, pipelines, command line, deploy, docs site: $(verdict $status)"
echo "== end-to-end (demos, tutorial, device clients): $(verdict $e2e_status)"
echo "== API tests (SQLite, then PostgreSQL): $(verdict $api_status)"
[ $status = 0 ] && [ $e2e_status = 0 ] && [ $api_status = 0 ]
