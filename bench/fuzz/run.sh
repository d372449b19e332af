#!/usr/bin/env bash
# The long fuzz run (issue: "never wrong, never in the way", item 3): the same CsCheck targets CI runs for 3 s
# each (tests/Unit/Fuzz), here for SECONDS_PER_TARGET each, printing the executions of every target.
#
#   bench/fuzz/run.sh [SECONDS_PER_TARGET]     # default 60: about 8 minutes for the 8 targets
#
# A failure prints CsCheck's seed and the shrunk input (base64); reproduce with CsCheck_Seed=<seed>, then keep the
# input under tests/data/corrupt/fuzz-found/ with a test in tests/Unit/Fuzz/FuzzFoundTests.cs.
set -euo pipefail

SECONDS_PER_TARGET=${1:-60}
FUZZ=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(dirname "$(dirname "$FUZZ")")
mkdir -p "$FUZZ/results"
REPORT="$FUZZ/results/$(date -u +%Y%m%dT%H%M%SZ)-${SECONDS_PER_TARGET}s.txt"
: > "$REPORT"

export OCU_FUZZ_SECONDS=$SECONDS_PER_TARGET OCU_FUZZ_REPORT=$REPORT
status=0
dotnet test "$REPO/tests/Unit" --filter "FullyQualifiedName~OpenCodeUsage.Tests.Fuzz.ParserFuzzTests" || status=$?

echo
echo "Executions per target ($SECONDS_PER_TARGET s each), also in $REPORT:"
cat "$REPORT"
awk '{ gsub(",", "", $3); total += $3 } END { printf "total: %d executions\n", total }' "$REPORT" | tee -a "$REPORT"
exit $status
