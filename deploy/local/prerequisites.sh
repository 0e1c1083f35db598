#!/usr/bin/env bash
# Installs what the local run and the tests need and a fresh Debian machine with the .NET SDK lacks:
# Debian's redis-server (the services' message broker; tests start their own instances of it), python3-aiosmtpd
# (the SMTP server Notification's tests send to) and chromium (the gateway's browser tests drive it through
# Playwright; Playwright's own browser download is never used).
set -euo pipefail

if ! command -v dotnet >/dev/null 2>&1; then
  echo "The .NET SDK (dotnet) is required: https://learn.microsoft.com/dotnet/core/install/linux-debian" >&2
  exit 1
fi

missing=()
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
# Debian's own interpreter: the package installs the module for /usr/bin/python3, whatever python3 the PATH finds first.
{ [ -x /usr/bin/python3 ] && /usr/bin/python3 -c 'import aiosmtpd' >/dev/null 2>&1; } || missing+=(python3-aiosmtpd)
command -v chromium >/dev/null 2>&1 || missing+=(chromium)

if [ "${#missing[@]}" -gt 0 ]; then
  echo "Installing ${missing[*]} (Debian packages) ..."
  sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null 2>&1 || { echo "${missing[*]} missing and installing needs root: apt-get install -y ${missing[*]}" >&2; exit 1; }
    sudo="sudo"
  fi
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get install -y -qq "${missing[@]}" >/dev/null 2>&1 || { $sudo apt-get update -qq && $sudo apt-get install -y -qq "${missing[@]}"; }
fi
