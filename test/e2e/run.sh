#!/usr/bin/env bash
# Real-VS-Code end-to-end suites (see test/e2e/run.js). Installs what is missing (Debian chromium
# and build headers, node@24, code-server), cached under ${NUMA_LAB_CACHE:-~/.cache/numa-lab}.
# Run by `npm test`; alone: `npm run test:e2e` (builds first unless NUMA_LAB_SKIP_BUILD=1).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
# shellcheck source=lib/provision.sh
source test/e2e/lib/provision.sh
provision_all
export CS_BIN NODE24_HOME NUMA_LAB_CACHE
if [ "${NUMA_LAB_SKIP_BUILD:-}" != 1 ]; then
  npm run --silent build
  npx tsc -p tsconfig.json || echo "[e2e] tsc reported errors (it still emits); going on" >&2
fi
exec node test/e2e/run.js
