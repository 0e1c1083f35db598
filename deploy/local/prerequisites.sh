#!/usr/bin/env bash
# Installs what the local run and the tests need and a fresh Debian machine with the .NET SDK lacks:
# Debian's redis-server (the services' message broker; tests start their own instances of it) and Debian's
# chromium (the gateway's browser tests drive it through Playwright; Playwright's own browser download is never used).
set -euo pipefail

if ! command -v dotnet >/dev/null 2>&1; then
  echo "The .NET SDK (dotnet) is required: https://learn.microsoft.com/dotnet/core/install/linux-debian" >&2
  exit 1
fi

if ! command -v redis-server >/dev/null 2>&1; then
  echo "Installing redis-server (Debian package) ..."
  sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null 2>&1 || { echo "redis-server is missing and installing it needs root: apt-get install -y redis-server" >&2; exit 1; }
    sudo="sudo"
  fi
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get install -y -qq redis-server >/dev/null 2>&1 || { $sudo apt-get update -qq && $sudo apt-get install -y -qq redis-server; }
fi

if ! command -v chromium >/dev/null 2>&1; then
  echo "Installing chromium (Debian package, for the browser tests) ..."
  sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null 2>&1 || { echo "chromium is missing and installing it needs root: apt-get install -y chromium" >&2; exit 1; }
    sudo="sudo"
  fi
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get install -y -qq chromium >/dev/null 2>&1 || { $sudo apt-get update -qq && $sudo apt-get install -y -qq chromium; }
fi
