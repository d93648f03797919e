#!/usr/bin/env bash
# What the language-server suite (test/lsp) needs: Debian's neovim, a real LSP client outside VS
# Code, driven headless. Idempotent: installs only when nvim is missing. Prints nvim's version.
set -euo pipefail
if ! command -v nvim >/dev/null 2>&1; then
  echo "[setup-neovim] apt-get install neovim" >&2
  sudo=; [ "$(id -u)" = 0 ] || sudo=sudo
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get -o DPkg::Lock::Timeout=600 update -qq >/dev/null
  $sudo apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends neovim >&2
fi
nvim --version | head -1
