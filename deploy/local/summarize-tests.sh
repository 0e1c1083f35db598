#!/usr/bin/env bash
# Sums the TRX files of a dotnet test run and the .checks files of other checks into one line,
# "N passed, N failed, N skipped", listing what was skipped and why. A run that exited non-zero without a
# recorded failure (a crashed test host) counts as one failure, so it can never pass silently.
set -uo pipefail
results="$1"
status="${2:-0}"

passed=0 failed=0 skipped=0
shopt -s nullglob
trx_files=("$results"/*.trx)
for trx in "${trx_files[@]}"; do
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -n 1)
  value() { echo "$counters" | grep -o " $1=\"[0-9]*\"" | grep -o '[0-9]*' || echo 0; }
  passed=$((passed + $(value passed)))
  failed=$((failed + $(value failed) + $(value error) + $(value timeout) + $(value aborted)))
  # Skipped tests are in the total but not executed (TRX has no skipped counter).
  skipped=$((skipped + $(value total) - $(value executed)))
  grep -o '<UnitTestResult [^>]*outcome="NotExecuted"[^>]*>' "$trx" | grep -o 'testName="[^"]*"' | sed 's/^testName="\(.*\)"$/  skipped: \1/'
done

# Failed tests last, each with the first lines of its message and the first frame in the repository's own code, so
# that the end of the output names the failure and where it happened.
root=$(cd "$results/.." && pwd)
for trx in "${trx_files[@]}"; do
  awk -v root="$root/" '
    /<UnitTestResult / && /outcome="(Failed|Error|Timeout|Aborted)"/ {
      match($0, /testName="[^"]*"/); print "  failed: " substr($0, RSTART + 10, RLENGTH - 11)
      state = "result"; lines = 0; next
    }
    state == "result" && /<Message>/ { state = "message"; sub(/.*<Message>/, "") }
    state == "message" {
      last = sub(/<\/Message>.*/, "")
      if (lines < 4 && $0 !~ /^[ \t]*$/) { print "    " substr($0, 1, 300); lines++ }
      if (last) state = "result"
      next
    }
    state == "result" && index($0, " in " root) && /:line [0-9]+/ { print "    at " substr($0, index($0, " in " root) + 4); state = "located" }
    /<\/UnitTestResult>/ { state = "" }
  ' "$trx"
done

# Checks outside dotnet test (deploy/validate.sh): one "passed NAME" or "failed NAME" line each.
for checks in "$results"/*.checks; do
  passed=$((passed + $(grep -c '^passed ' "$checks")))
  failed=$((failed + $(grep -c '^failed ' "$checks")))
  grep '^failed ' "$checks" | sed 's/^/  /'
done

if [ "${#trx_files[@]}" -eq 0 ] || { [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; }; then
  echo "dotnet test exited with $status without recording a failure (a test host crashed?); counted as one failure." >&2
  failed=$((failed + 1))
fi

echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
