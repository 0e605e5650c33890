#!/usr/bin/env bash
# Set everything up, then run the main job on the embedded default (SQLite, folders under ./var, a
# local Prefect server): `acusight demo`. Arguments go to it (e.g. --keep-running).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
export ACUSIGHT_DATA_DIR=${ACUSIGHT_DATA_DIR:-$PWD/var}
exec .venv/bin/acusight demo "$@"
