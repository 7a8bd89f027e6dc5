#!/usr/bin/env bash
# `npm test`: installs what the tests need (Debian packages included) and runs every suite (see README).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/node-deps.sh
exec node --import tsx scripts/stack/test-run.ts "$@"
