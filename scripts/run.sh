#!/usr/bin/env bash
# Set everything up, then run Acusight on the embedded default (SQLite and folders under ./var).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
export ACUSIGHT_DATA_DIR=${ACUSIGHT_DATA_DIR:-$PWD/var}
exec .venv/bin/acusight serve "$@"
