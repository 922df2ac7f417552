#!/usr/bin/env bash
# Builds the solution with warnings as errors and runs every test. Ends with the line "N passed, N failed" computed
# from the test results (TRX files), so a run that executed no test shows as such.
set -uo pipefail
cd "$(dirname "$0")"

results=TestResults
rm -rf "$results"

# What the tests need from Debian, installed where it is missing: PostgreSQL (the cluster tests start their own
# server), Chromium (the dashboard's browser tests; Playwright's own browser download does not work here) and npm
# (the api's build installs the dashboard's chart library with it).
missing=()
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing+=(postgresql)
[ -x /usr/bin/chromium ] || missing+=(chromium)
command -v npm >/dev/null 2>&1 || missing+=(npm)
if [ ${#missing[@]} -gt 0 ]; then
  sudo_if_needed=(); [ "$(id -u)" -eq 0 ] || sudo_if_needed=(sudo)
  "${sudo_if_needed[@]}" apt-get update -qq &&
    "${sudo_if_needed[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
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
