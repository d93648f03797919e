#!/usr/bin/env bash
# `npm test`: every suite of NUMA Lab, in order, on a fresh clone or a working tree.
#   deps      npm ci when node_modules is missing or older than package-lock.json
#   build     npm run build (esbuild bundles)
#   tsc       tsc -p tsconfig.json (type check; emits out/ even with errors, so later suites still run)
#   unit      mocha test/unit/** (the .mocharc.json spec)
#   grammar   npm run test:grammar (vscode-tmgrammar-test on test/grammar/*.numa; one test per asserted line)
#   lsp       test/lsp/**: the language server (`numa-lab lsp --stdio`) driven by a real client outside
#             VS Code, Debian's Neovim headless; first runs scripts/setup-neovim.sh, which installs it
#   setup     test/setup/setup.test.js: the README's set-up on a fresh machine. Node 24 and code-server
#             are provisioned through `npm run setup:editor` into an EMPTY cache folder (a temp folder,
#             removed at the end; the e2e suites reuse it), then `npm start` must serve the workbench on
#             a scratch workspace and leave the clone untouched. NUMA_LAB_REUSE_CACHE=1 keeps the
#             usual ~/.cache/numa-lab instead (a developer's quicker loop; CI never sets it).
#   kernel    test/kernel/**: real boots of Debian's kernel under QEMU (`numa-lab kernel`); first runs
#             scripts/setup-kernel.sh, which installs QEMU, the kernel and busybox on a fresh machine
#   e2e       test/e2e/run.sh: the UI suites in a real VS Code (code-server + chromium) against the
#             packaged .vsix, and the extension-host mocha suites (test/extension/**) inside it
# Each suite prints its own result; the last line is `N passed, N failed`, the sum of the individual
# tests of all suites (a step or suite that fails without counts counts 1 failed). Exits 1 if any failed.
# Logs: test-artifacts/logs/; screenshots: test-artifacts/e2e/. Quicker loops: npm run test:unit, npm run test:e2e.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
REPO=$PWD
LOGS=$REPO/test-artifacts/logs
rm -rf "$LOGS" && mkdir -p "$LOGS"
export NPM_CONFIG_UPDATE_NOTIFIER=false
T0=$SECONDS
TOTAL_PASSED=0
TOTAL_FAILED=0
SUMMARY=()

note() { echo "[test +$((SECONDS - T0))s] $*"; }

# record NAME PASSED FAILED: adds a suite's counts to the totals and the summary.
record() {
  TOTAL_PASSED=$((TOTAL_PASSED + $2))
  TOTAL_FAILED=$((TOTAL_FAILED + $3))
  SUMMARY+=("$(printf '%-16s %4d passed, %d failed' "$1" "$2" "$3")")
  note "$1: $2 passed, $3 failed"
}

# step NAME CMD...: a preparation step; it adds no passes, and 1 failure if it fails.
step() {
  local name=$1; shift
  note "$name: $*"
  if "$@" > "$LOGS/$name.log" 2>&1; then
    SUMMARY+=("$(printf '%-16s ok' "$name")")
    return 0
  fi
  tail -40 "$LOGS/$name.log"
  record "$name" 0 1
  return 1
}

# --- deps: npm's hidden lockfile records the last install; a newer package-lock.json means stale.
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  step deps npm ci --no-audit --no-fund || { echo "0 passed, $TOTAL_FAILED failed"; exit 1; }
fi

step build npm run build
step tsc npx tsc -p tsconfig.json

# --- unit: mocha with the counting reporter (spec output + one SUITE-RESULT line).
note "unit: mocha"
npx mocha --reporter "$REPO/test/e2e/lib/count-reporter.js" --reporter-option suite=unit 2>&1 | tee "$LOGS/unit.log"
UNIT_RC=${PIPESTATUS[0]}

# --- grammar: one test per asserted source line, from the runner's xunit reports.
note "grammar: npm run test:grammar"
rm -rf "$LOGS/grammar-xunit"
npm run --silent test:grammar -- --xunit-report "$LOGS/grammar-xunit" 2>&1 | tee "$LOGS/grammar.log"
GRAMMAR_RC=${PIPESTATUS[0]}
node test/e2e/lib/grammar-counts.js "$LOGS/grammar-xunit" "$LOGS/grammar.log" "$GRAMMAR_RC" | tee -a "$LOGS/grammar.log"

# setup_and_mocha NAME SETUP TIMEOUT_MS GLOB: a suite that needs something installed first. The
# set-up script runs as step setup-NAME; then mocha runs GLOB with the counting reporter into
# $LOGS/NAME.log. The exit code is left in SUITE_RC[NAME] (1 when the set-up failed).
declare -A SUITE_RC
setup_and_mocha() {
  SUITE_RC[$1]=1
  step "setup-$1" bash "$2" || return 0
  npx mocha --no-config --timeout "$3" --reporter "$REPO/test/e2e/lib/count-reporter.js" --reporter-option suite="$1" \
    "$4" 2>&1 | tee "$LOGS/$1.log"
  SUITE_RC[$1]=${PIPESTATUS[0]}
}

# --- lsp: the language server in Neovim's built-in LSP client (installs neovim when missing).
note "lsp: scripts/setup-neovim.sh, then mocha test/lsp"
setup_and_mocha lsp scripts/setup-neovim.sh 120000 'out/test/lsp/**/*.test.js'

# --- setup: provisioning from nothing, and npm start.
if [ "${NUMA_LAB_REUSE_CACHE:-}" != 1 ]; then
  NUMA_LAB_CACHE=$(mktemp -d "${TMPDIR:-/tmp}/numa-lab-cache.XXXXXX")
  export NUMA_LAB_CACHE NUMA_LAB_FRESH_CACHE=1
  trap 'rm -rf "$NUMA_LAB_CACHE"' EXIT
fi
note "setup: test/setup/setup.test.js (cache: ${NUMA_LAB_CACHE:-~/.cache/numa-lab})"
npx mocha --no-config --timeout 1200000 --reporter "$REPO/test/e2e/lib/count-reporter.js" --reporter-option suite=setup \
  test/setup/setup.test.js 2>&1 | tee "$LOGS/setup.log"
SETUP_RC=${PIPESTATUS[0]}
# --- kernel: real boots under QEMU (a few minutes under TCG); set-up is idempotent and cached.
note "kernel: npm run setup:kernel, then mocha test/kernel"
setup_and_mocha kernel scripts/setup-kernel.sh 900000 'out/test/kernel/**/*.test.js'

# --- e2e: real VS Code (provisions code-server, node 24 and chromium on first use).
note "e2e: test/e2e/run.sh"
NUMA_LAB_SKIP_BUILD=1 bash test/e2e/run.sh 2>&1 | tee "$LOGS/e2e.log"
E2E_RC=${PIPESTATUS[0]}

# --- collect: every suite prints `SUITE-RESULT <name> <passed> <failed>`.
collect() { # LOG RC FALLBACK_NAME
  local found=0 name p f
  while read -r _ name p f; do
    record "$name" "$p" "$f"; found=1
  done < <(grep -aE '^SUITE-RESULT [^ ]+ [0-9]+ [0-9]+$' "$1")
  if [ "$found" = 0 ] && [ "$2" != 0 ]; then record "$3" 0 1; fi
  if [ "$found" = 1 ] && [ "$2" != 0 ] && ! grep -aqE '^SUITE-RESULT [^ ]+ [0-9]+ [1-9]' "$1"; then
    record "$3 (exit $2)" 0 1 # the runner failed although no test did: count it
  fi
}
collect "$LOGS/unit.log" "$UNIT_RC" unit
collect "$LOGS/grammar.log" "$GRAMMAR_RC" grammar
[ -f "$LOGS/lsp.log" ] && collect "$LOGS/lsp.log" "${SUITE_RC[lsp]}" lsp
collect "$LOGS/setup.log" "$SETUP_RC" setup
[ -f "$LOGS/kernel.log" ] && collect "$LOGS/kernel.log" "${SUITE_RC[kernel]}" kernel
collect "$LOGS/e2e.log" "$E2E_RC" e2e

echo
echo "== summary ($((SECONDS - T0)) s; logs in test-artifacts/logs, screenshots in test-artifacts/e2e)"
printf '  %s\n' "${SUMMARY[@]}"
echo "$TOTAL_PASSED passed, $TOTAL_FAILED failed"
[ "$TOTAL_FAILED" = 0 ]
