#!/usr/bin/env bash
# README command 2: builds the solution (warnings are errors) and runs every test project against real
# servers: redis-server started by the fixtures, LiteDB files in temp directories, services on random
# 127.0.0.1 ports. MongoDB store tests run only when MONGO_URL is set and say so when skipped. Then
# deploy/validate.sh checks the deployment files (tools from npm on first use).
# Ends with one line: "N passed, N failed, N skipped".
set -uo pipefail
cd "$(dirname "$0")/../.."

results="TestResults"
rm -rf "$results"

if ! deploy/local/prerequisites.sh; then
  echo "0 passed, 1 failed, 0 skipped"
  exit 1
fi

if ! dotnet build Microservices.sln -nologo -v quiet -clp:NoSummary; then
  echo "The build failed." >&2
  echo "0 passed, 1 failed, 0 skipped"
  exit 1
fi

dotnet test Microservices.sln --no-build --nologo --results-directory "$results" \
  --logger trx --logger "console;verbosity=normal" -- RunConfiguration.TestSessionTimeout=1500000
status=$?

# The deployment files (Kubernetes overlays, docker-compose.yml), checked without Docker or a cluster;
# each check is one line in a .checks file that the summary counts.
deploy/validate.sh --checks "$results/deploy.checks"

exec deploy/local/summarize-tests.sh "$results" "$status"
