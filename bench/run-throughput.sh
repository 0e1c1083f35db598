#!/usr/bin/env bash
# Issue 13 (b), (d), (e): builds the solution (Release), then runs bench/ServiceDesk.Throughput.Bench pinned to the
# load core; the bench starts deploy/local's run (Redis and every service, each its own process) pinned to the server
# core(s), and its baselines there too. Options pass through to the bench:
#   --creates N (3000)  --removals N (1000)  --big-tickets N (100000)  --big-customer-tickets N (10000)  --skip-big
#   --big-warm-file (reads ticketing.db through once before the large removal)  --big-without-load (no CreateTicket load during it)
#   --server-cores LIST (0)  --base-port PORT (7600, uses PORT..PORT+41)  --data-dir DIR (a new temporary directory)
# LOAD_CORES=LIST (default 1) pins the load generator. Quick run (about 3 minutes):
#   bench/run-throughput.sh --creates 500 --removals 50 --big-tickets 10000 --big-customer-tickets 1000
set -euo pipefail
cd "$(dirname "$0")/.."

load_cores=${LOAD_CORES:-1}
dotnet build Microservices.sln -c Release -nologo -v quiet -clp:NoSummary
echo "$(date -u +%F' '%H:%M) UTC, commit $(git rev-parse --short HEAD), $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)), $(free -g | awk '/Mem:/{print $2}') GiB, load average $(cut -d' ' -f1-3 /proc/loadavg)"
taskset -c "$load_cores" dotnet bench/ServiceDesk.Throughput.Bench/bin/Release/net10.0/ServiceDesk.Throughput.Bench.dll "$@"
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
