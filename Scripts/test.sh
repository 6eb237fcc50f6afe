#!/usr/bin/env bash
# The full test suite: unit and end-to-end tests, then a check that Reports/ matches what the CLI produces.
set -euo pipefail
cd "$(dirname "$0")/.."
Scripts/install-deps.sh
swift test
Scripts/regenerate-reports.sh --check
