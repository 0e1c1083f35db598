#!/usr/bin/env bash
# README command 1: builds and runs the whole system on this machine (Redis, Identity, Directory,
# Ticketing, Notification, Gateway) with embedded LiteDB stores in .data/, until Ctrl-C.
# Options: --data-dir DIR, --base-port PORT (default 7100), --configuration Release|Debug.
set -euo pipefail

configuration=Release
args=("$@")
for ((i = 0; i < ${#args[@]}; i++)); do
  [ "${args[$i]}" = "--configuration" ] && configuration="${args[$((i + 1))]:-Release}"
  # A relative --data-dir is the caller's, not the repository's this script moves to.
  if [ "${args[$i]}" = "--data-dir" ] && [ -n "${args[$((i + 1))]:-}" ] && [ "${args[$((i + 1))]:0:1}" != "/" ]; then
    args[$((i + 1))]="$PWD/${args[$((i + 1))]}"
  fi
done
cd "$(dirname "$0")/../.."

deploy/local/prerequisites.sh
echo "Building ($configuration): the first build restores and compiles everything, several minutes on 2 cores (8 measured); later ones take seconds ..."
dotnet build Microservices.sln -c "$configuration" -nologo -v quiet -clp:NoSummary
exec dotnet "deploy/local/ServiceDesk.LocalRun/bin/$configuration/net10.0/ServiceDesk.LocalRun.dll" --configuration "$configuration" "${args[@]}"
