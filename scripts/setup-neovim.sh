#!/usr/bin/env bash
# What the language-server suite (test/lsp) needs: Debian's neovim, a real LSP client outside VS
# Code, driven headless. Idempotent: installs only when nvim is missing. Prints nvim's version.
set -euo pipefail
if ! command -v nvim >/dev/null 2>&1; then
  echo "[setup-neovim] apt-get install neovim" >&2
  # shellcheck source=lib/apt.sh
  source "$(dirname "${BASH_SOURCE[0]}")/lib/apt.sh"
  apt_install neovim
fi
nvim --version | head -1
