# Sourced by the set-up scripts (scripts/setup-kernel.sh, scripts/setup-neovim.sh,
# test/e2e/lib/provision.sh): installs Debian packages, waiting for apt's locks.
# DPkg::Lock::Timeout makes apt-get wait for dpkg's lock, but not for the lock on
# /var/lib/apt/lists that `apt-get update` takes: beside another apt (unattended-upgrades on a
# fresh machine, or a second clone setting up at the same time) it fails at once with "Could not
# get lock". So each step is retried, for up to ten minutes, while that is why it failed.

# apt_retry CMD...: runs CMD (an apt-get command) until it succeeds or fails for another reason,
# every APT_RETRY_SECONDS (default 5).
apt_retry() {
  local deadline=$((SECONDS + 600)) err
  err=$(mktemp)
  until "$@" 2>"$err"; do
    if ! grep -q 'Could not get lock' "$err" || ((SECONDS > deadline)); then
      cat "$err" >&2
      rm -f "$err"
      return 1
    fi
    sleep "${APT_RETRY_SECONDS:-5}"
  done
  cat "$err" >&2
  rm -f "$err"
}

# apt_install PACKAGE...: apt-get update, then install the packages without recommends. Only
# apt's warnings and errors are shown (on stderr).
apt_install() {
  local sudo=
  [ "$(id -u)" = 0 ] || sudo=sudo
  export DEBIAN_FRONTEND=noninteractive
  apt_retry $sudo apt-get -o DPkg::Lock::Timeout=600 update -qq >/dev/null
  apt_retry $sudo apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends "$@" >/dev/null
}
