#!/usr/bin/env bash
# Set up and render the reports for the bundled sample's latest month, every region, into outputs/.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
.venv/bin/salesnb run --all-regions --out outputs "$@"
