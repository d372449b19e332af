#!/usr/bin/env bash
# The long form of the live-writer soak (issue "never wrong, never in the way", item 1): see README.md beside this.
#
#   bench/soak/run.sh [--minutes 5] [--baseline-minutes 2] [--workers 4] [--no-build] [--keep] [--pin-snapshot] [--hold-write-lock]
#
# Builds the module (Release) and tools/OpenCodeSoak, copies the staged module aside (a rebuild by someone else
# during the run then changes nothing), runs the soak and keeps its report in bench/soak/results/.
set -euo pipefail

BUILD=1 PASS=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --no-build) BUILD=0 ;;
    --minutes|--baseline-minutes|--workers) PASS+=("$1" "$2"); shift ;;
    --keep|--pin-snapshot|--hold-write-lock) PASS+=("$1") ;;
    *) echo "usage: $0 [--minutes N] [--baseline-minutes N] [--workers N] [--no-build] [--keep] [--pin-snapshot] [--hold-write-lock]" >&2; exit 2 ;;
  esac
  shift
done

SOAK=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$SOAK/../.." && pwd)
MODULE=$REPO/bench/.tools/soak-module/OpenCodeUsage
RESULTS=$SOAK/results
mkdir -p "$RESULTS"

for tool in sqlite3 python3 git; do
  command -v "$tool" >/dev/null 2>&1 || { echo "== installing $tool" >&2; apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$tool" >/dev/null; }
done
[[ -d $REPO/.tools/opencode/node_modules ]] || bash "$REPO/tools/install-opencode.sh" 1.18.33

if [[ $BUILD == 1 ]]; then
  echo "== building the module and the soak (Release)" >&2
  (cd "$REPO" && dotnet build -c Release -nologo -v q >/dev/null)
  (cd "$REPO" && dotnet build -c Release -nologo -v q tools/OpenCodeSoak >/dev/null)
  rm -rf "$MODULE" && mkdir -p "$(dirname "$MODULE")" && cp -r "$REPO/artifacts/module/OpenCodeUsage" "$MODULE"
fi

REPORT=$RESULTS/soak-$(date -u +%Y%m%dT%H%M%SZ).md
echo "== module: $MODULE (commit $(git -C "$REPO" rev-parse --short HEAD)); report: $REPORT" >&2
dotnet "$REPO/tools/OpenCodeSoak/bin/Release/net10.0/OpenCodeSoak.dll" --module "$MODULE" "${PASS[@]}" | tee "$REPORT"
