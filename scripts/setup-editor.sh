#!/usr/bin/env bash
# `npm run setup:editor`: install what a real VS Code needs here (Debian chromium and build headers,
# Node 24 and code-server from npm) into ${NUMA_LAB_CACHE:-~/.cache/numa-lab}. `npm start` and
# `npm test` do this themselves on first use; this runs it alone, e.g. to warm a cache.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck source=../test/e2e/lib/provision.sh
source test/e2e/lib/provision.sh
provision_all
CS_PKG=$NUMA_LAB_CACHE/code-server/node_modules/code-server/package.json
echo "code-server $(node -p "require('$CS_PKG').version") on Node $("$NODE24_HOME/bin/node" -v), cached in $NUMA_LAB_CACHE"
