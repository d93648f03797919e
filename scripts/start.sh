#!/usr/bin/env bash
# `npm start`: open the examples in a real VS Code with NUMA Lab installed.
# Builds, packages the .vsix, installs it into a local code-server (installed on first use, with
# Node 24 and chromium's libraries, under ${NUMA_LAB_CACHE:-~/.cache/numa-lab}), then serves the
# workbench on 127.0.0.1:${NUMA_LAB_PORT:-8080} and prints the URL. Ctrl+C stops it.
# The workbench opens a scratch copy of examples/ (${NUMA_LAB_WORKSPACE:-$NUMA_LAB_CACHE/workspace}),
# never the clone itself: edits, auto-saves and saved runs land there and leave tracked files alone.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
PORT=${NUMA_LAB_PORT:-8080}
# shellcheck source=../test/e2e/lib/provision.sh
source test/e2e/lib/provision.sh

if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi
provision_all

# The editor's own state lives beside the cached code-server, so settings and open tabs survive restarts.
STATE=$NUMA_LAB_CACHE/editor
mkdir -p "$STATE/user-data/User" "$STATE/extensions" "$STATE/xdg" "$STATE/tmp"
[ -f "$STATE/user-data/User/settings.json" ] || cat > "$STATE/user-data/User/settings.json" <<'EOF'
{
  "security.workspace.trust.enabled": false,
  "workbench.startupEditor": "none",
  "workbench.tips.enabled": false,
  "chat.disableAIFeatures": true,
  "extensions.autoCheckUpdates": false,
  "extensions.autoUpdate": "off",
  "update.mode": "none",
  "telemetry.telemetryLevel": "off",
  "git.openRepositoryInParentFolders": "never"
}
EOF

# The scratch workspace: an example is copied when it is missing, or refreshed when the clone's copy
# changed and the user has not edited the scratch one (the .copied manifest records what was copied).
WORKSPACE=${NUMA_LAB_WORKSPACE:-$NUMA_LAB_CACHE/workspace}
mkdir -p "$WORKSPACE"
MANIFEST=$WORKSPACE/.numa-lab-copied
touch "$MANIFEST"
for src in examples/*.numa; do
  name=$(basename "$src") dst=$WORKSPACE/$(basename "$src")
  copied=$(awk -v n="$name" '$2 == n { print $1 }' "$MANIFEST")
  if [ ! -e "$dst" ] || { [ -n "$copied" ] && [ "$(sha256sum < "$dst" | cut -d' ' -f1)" = "$copied" ]; }; then
    cp "$src" "$dst"
    { grep -v " $name\$" "$MANIFEST" || true; echo "$(sha256sum < "$src" | cut -d' ' -f1) $name"; } > "$MANIFEST.new"
    mv "$MANIFEST.new" "$MANIFEST"
  fi
done

npm run --silent build
VSIX=$STATE/numa-lab.vsix
node node_modules/@vscode/vsce/vsce package --no-dependencies --no-rewrite-relative-links --allow-missing-repository --skip-license -o "$VSIX" < /dev/null

export PATH="$NODE24_HOME/bin:$PATH" TMPDIR="$STATE/tmp"
export XDG_CONFIG_HOME=$STATE/xdg/config XDG_DATA_HOME=$STATE/xdg/data XDG_CACHE_HOME=$STATE/xdg/cache
CS_ARGS=(--user-data-dir "$STATE/user-data" --extensions-dir "$STATE/extensions")
"$CS_BIN" "${CS_ARGS[@]}" --install-extension "$VSIX" --force | tail -1

cat > "$STATE/config.yaml" <<EOF
bind-addr: 127.0.0.1:$PORT
auth: none
cert: false
disable-telemetry: true
disable-update-check: true
EOF

URL="http://127.0.0.1:$PORT/?folder=$WORKSPACE"
echo
echo "NUMA Lab is ready, on a scratch copy of the examples in $WORKSPACE."
echo "Open this URL in a browser (Ctrl+C here stops the editor):"
echo
echo "    $URL"
echo
exec "$CS_BIN" --config "$STATE/config.yaml" "${CS_ARGS[@]}" --disable-workspace-trust \
  --reconnection-grace-time 10 "$WORKSPACE"
