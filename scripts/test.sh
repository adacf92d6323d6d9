#!/usr/bin/env bash
# Set up, lint and run the whole test suite (unit tests, nbval over the notebooks, end-to-end run).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export MPLBACKEND=Agg
.venv/bin/python -m ruff check salesnb tests benchmarks
set +e
.venv/bin/python -m pytest --nbval-lax notebooks tests "$@"
status=$?
set -e
if [ "$status" -eq 5 ]; then
  echo "pytest collected no tests: treating as failure" >&2
  exit 1
fi
exit "$status"
