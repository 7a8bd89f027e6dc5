#!/usr/bin/env bash
# `npm start`: installs what is missing and brings the whole local stack up (see README).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/node-deps.sh
exec node --import tsx scripts/stack/main.ts "$@"
