#!/usr/bin/env bash
# SuggestCustomers and the null call over gRPC, against Directory and Identity processes (Release), with a bare
# Kestrel gRPC method as the same-run baseline. Options (passed on): --customers N (default 100000),
# --seconds S (h2load per call, default 8), --calls N (one-in-flight calls, default 2000), --server-core C (0),
# --client-core C (1), --cache DIR (seeded files, default $TMPDIR/servicedesk-picker-bench),
# --directory-setting Key=Value (repeatable: extra configuration for Directory; DOTNET_* ones go to the bare server too),
# --cases "j,jane roe" (only these suggestion texts; the null calls always), --rounds R --slice-seconds S (each
# suggestion also saturated in R slices of S seconds alternating with the null call's, default 3 and 3).
set -euo pipefail
cd "$(dirname "$0")/../.."
command -v h2load >/dev/null || { echo "h2load is missing: apt-get install -y nghttp2-client" >&2; exit 2; }
for project in services/Identity/ServiceDesk.Identity services/Directory/ServiceDesk.Directory \
  bench/ServiceDesk.Bench.BareGrpc bench/ServiceDesk.Directory.PickerBench; do
  dotnet build "$project" -c Release -nologo -v quiet -clp:NoSummary
done
exec dotnet bench/ServiceDesk.Directory.PickerBench/bin/Release/net10.0/ServiceDesk.Directory.PickerBench.dll --repository "$PWD" "$@"
