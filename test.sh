#!/usr/bin/env bash
# Builds the solution with warnings as errors and runs every test. Ends with the line "N passed, N failed" computed
# from the test results (TRX files), so a run that executed no test shows as such.
set -uo pipefail
cd "$(dirname "$0")"

results=TestResults
rm -rf "$results"

# The PostgreSQL tests start their own server from Debian's package; install it where it is missing.
if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  if [ "$(id -u)" -eq 0 ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
  else
    sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
  fi
fi

dotnet build Collaboration.sln -c Release -warnaserror -nologo -v quiet || { echo "0 passed, 1 failed"; exit 1; }

dotnet test Collaboration.sln -c Release --no-build --nologo \
  --logger "trx;LogFileName=tests.trx" --logger "console;verbosity=normal" \
  --results-directory "$results" -- RunConfiguration.TestSessionTimeout=1500000
status=$?

passed=0; failed=0
for trx in "$results"/*.trx; do
  [ -f "$trx" ] || continue
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -n 1)
  p=$(sed -n 's/.* passed="\([0-9]*\)".*/\1/p' <<<"$counters"); f=$(sed -n 's/.* failed="\([0-9]*\)".*/\1/p' <<<"$counters")
  passed=$((passed + ${p:-0})); failed=$((failed + ${f:-0}))
done
# Numbers the fault tests report (kept in the TRX output of passing tests too).
grep -ho 'fault test: [^<]*' "$results"/*.trx 2>/dev/null | sed 's/&amp;/\&/g' || true
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; fi
echo "$passed passed, $failed failed"
[ "$status" -eq 0 ] && [ "$passed" -gt 0 ]
